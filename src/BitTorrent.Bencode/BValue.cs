using System.Collections;
using System.Text;

namespace BitTorrent.Bencode;

/// <summary>
/// A decoded bencode value: <see cref="BInteger"/>, <see cref="BString"/>, <see cref="BList"/> or <see cref="BDictionary"/>.
/// A convenience model for non-hot paths; hot paths use <see cref="BencodeReader"/> directly.
/// </summary>
public abstract class BValue
{
    private protected BValue() { }

    /// <summary>The exact bytes this value was decoded from, when it was decoded from memory; empty for values built in code.</summary>
    public ReadOnlyMemory<byte> Raw { get; internal set; }

    /// <summary>Writes this value as canonical bencode.</summary>
    public abstract void WriteTo(BencodeWriter writer);

    /// <summary>Encodes this value as canonical bencode.</summary>
    public byte[] Encode() => Bencode.Encode(this);

    /// <summary>Implicit conversion from an integer.</summary>
    public static implicit operator BValue(long value) => new BInteger(value);

    /// <summary>Implicit conversion from a UTF-8 string.</summary>
    public static implicit operator BValue(string value) => new BString(value);

    /// <summary>Implicit conversion from bytes.</summary>
    public static implicit operator BValue(byte[] value) => new BString(value);
}

/// <summary>A bencoded integer (64 bits).</summary>
public sealed class BInteger(long value) : BValue
{
    /// <summary>The value.</summary>
    public long Value { get; } = value;

    /// <inheritdoc />
    public override void WriteTo(BencodeWriter writer) => writer.WriteInteger(Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A bencoded byte string.</summary>
public sealed class BString : BValue, IEquatable<BString>
{
    /// <summary>Wraps <paramref name="bytes"/> (not copied).</summary>
    public BString(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    /// <summary>Encodes <paramref name="text"/> as UTF-8.</summary>
    public BString(string text) => Bytes = Encoding.UTF8.GetBytes(text);

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The bytes read as UTF-8 (invalid sequences become U+FFFD).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    /// <inheritdoc />
    public override void WriteTo(BencodeWriter writer) => writer.WriteString(Bytes.Span);

    /// <inheritdoc />
    public bool Equals(BString? other) => other is not null && Bytes.Span.SequenceEqual(other.Bytes.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BString);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes.Span);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A bencoded list.</summary>
public sealed class BList : BValue, IList<BValue>
{
    private readonly List<BValue> _items;

    /// <summary>An empty list.</summary>
    public BList() => _items = [];

    /// <summary>A list of <paramref name="items"/>.</summary>
    public BList(IEnumerable<BValue> items) => _items = [.. items];

    /// <inheritdoc />
    public BValue this[int index] { get => _items[index]; set => _items[index] = value; }

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public void Add(BValue item) => _items.Add(item);

    /// <inheritdoc />
    public void Clear() => _items.Clear();

    /// <inheritdoc />
    public bool Contains(BValue item) => _items.Contains(item);

    /// <inheritdoc />
    public void CopyTo(BValue[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<BValue> GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public int IndexOf(BValue item) => _items.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, BValue item) => _items.Insert(index, item);

    /// <inheritdoc />
    public bool Remove(BValue item) => _items.Remove(item);

    /// <inheritdoc />
    public void RemoveAt(int index) => _items.RemoveAt(index);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override void WriteTo(BencodeWriter writer)
    {
        writer.WriteListStart();
        foreach (var item in _items) item.WriteTo(writer);
        writer.WriteEnd();
    }
}

/// <summary>
/// A bencoded dictionary. Keys are byte strings kept in ascending byte order, so encoding is canonical.
/// String keys are UTF-8.
/// </summary>
public sealed class BDictionary : BValue, IEnumerable<KeyValuePair<BString, BValue>>
{
    private readonly SortedList<BString, BValue> _entries;

    /// <summary>An empty dictionary.</summary>
    public BDictionary() => _entries = new(ByteOrder.Instance);

    private BDictionary(int capacity) => _entries = new(capacity, ByteOrder.Instance);

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The keys in ascending byte order.</summary>
    public IEnumerable<BString> Keys => _entries.Keys;

    /// <summary>Gets or sets the value for a UTF-8 key; the getter throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public BValue this[string key]
    {
        get => _entries[new BString(key)];
        set => _entries[new BString(key)] = value;
    }

    /// <summary>Gets or sets the value for a byte-string key.</summary>
    public BValue this[BString key]
    {
        get => _entries[key];
        set => _entries[key] = value;
    }

    /// <summary>Adds or replaces an entry (collection-initializer friendly).</summary>
    public void Add(string key, BValue value) => _entries[new BString(key)] = value;

    /// <summary>Looks up <paramref name="key"/>.</summary>
    public bool TryGetValue(string key, out BValue value) => _entries.TryGetValue(new BString(key), out value!);

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _entries.ContainsKey(new BString(key));

    /// <summary>Removes <paramref name="key"/>; true if it was present.</summary>
    public bool Remove(string key) => _entries.Remove(new BString(key));

    /// <summary>The value of <paramref name="key"/> when it is a <typeparamref name="T"/>, otherwise null.</summary>
    public T? Get<T>(string key) where T : BValue => TryGetValue(key, out var v) ? v as T : null;

    /// <summary>The integer at <paramref name="key"/>, or null when absent or not an integer.</summary>
    public long? GetInteger(string key) => Get<BInteger>(key)?.Value;

    /// <summary>The bytes at <paramref name="key"/>, or null when absent or not a string.</summary>
    public ReadOnlyMemory<byte>? GetBytes(string key) => Get<BString>(key)?.Bytes;

    /// <summary>The UTF-8 text at <paramref name="key"/>, or null when absent or not a string.</summary>
    public string? GetText(string key) => Get<BString>(key)?.Text;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<BString, BValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override void WriteTo(BencodeWriter writer)
    {
        writer.WriteDictionaryStart();
        foreach (var (key, value) in _entries)
        {
            writer.WriteString(key.Bytes.Span);
            value.WriteTo(writer);
        }
        writer.WriteEnd();
    }

    /// <summary>
    /// Builds a dictionary from decoded entries in input order, in O(n log n) whatever the order: keys already in
    /// ascending order are appended; otherwise the entries are sorted once (stably, so a repeated key keeps its last
    /// value) and appended. Inserting unsorted keys one by one would shift the sorted list on every insert (quadratic).
    /// </summary>
    internal static BDictionary FromEntries(List<KeyValuePair<BString, BValue>> entries)
    {
        bool ascending = true;
        for (int i = 1; i < entries.Count && ascending; i++)
            ascending = ByteOrder.Instance.Compare(entries[i - 1].Key, entries[i].Key) < 0;
        if (!ascending)
        {
            var order = new int[entries.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(order, (x, y) => ByteOrder.Instance.Compare(entries[x].Key, entries[y].Key) is var c && c != 0 ? c : x.CompareTo(y));
            var sorted = new List<KeyValuePair<BString, BValue>>(order.Length);
            for (int i = 0; i < order.Length; i++)
            {
                var entry = entries[order[i]];
                if (sorted.Count > 0 && sorted[^1].Key.Equals(entry.Key)) sorted[^1] = entry; // later wins
                else sorted.Add(entry);
            }
            entries = sorted;
        }
        var dictionary = new BDictionary(entries.Count);
        foreach (var (key, value) in entries) dictionary._entries.Add(key, value); // ascending: each add appends
        return dictionary;
    }

    private sealed class ByteOrder : IComparer<BString>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(BString? x, BString? y) => x!.Bytes.Span.SequenceCompareTo(y!.Bytes.Span);
    }
}
