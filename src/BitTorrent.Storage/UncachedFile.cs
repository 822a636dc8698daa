using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BitTorrent.Storage;

/// <summary>
/// A second, write-only descriptor of a file that bypasses the page cache (<c>O_DIRECT</c>, Linux only), and the rule
/// for which part of a write may go through it: whole 4 KiB pages, where the memory address and the file offset are
/// both page aligned. Everything else (the unaligned head and tail of a region, other systems, file systems that refuse
/// <c>O_DIRECT</c>) goes through the ordinary, cached descriptor.
/// </summary>
internal static class UncachedFile
{
    /// <summary>The alignment of memory, offset and length that every Linux block device and file system accepts.</summary>
    public const int Alignment = 4096;

    private const int WriteOnly = 1; // O_WRONLY
    private const int CloseOnExec = 0x80000; // O_CLOEXEC

    /// <summary>Opens <paramref name="path"/> (which exists) write-only with <c>O_DIRECT</c>; null where that is not possible.</summary>
    public static SafeFileHandle? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux() || DirectFlag() is not (> 0 and var direct)) return null;
        int fd = Open(Encoding.UTF8.GetBytes(path + "\0"), WriteOnly | CloseOnExec | direct);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Splits a write of <paramref name="length"/> bytes at file offset <paramref name="position"/> from memory at
    /// <paramref name="address"/> into an unaligned head, an aligned middle (possibly empty) and the tail after it.
    /// </summary>
    public static (int Head, int Middle) Split(nint address, long position, int length)
    {
        if ((address & (Alignment - 1)) != (position & (Alignment - 1))) return (length, 0);
        int head = (int)Math.Min(length, (Alignment - (position & (Alignment - 1))) & (Alignment - 1));
        int middle = (length - head) & ~(Alignment - 1);
        return (head, middle);
    }

    /// <summary>The value of <c>O_DIRECT</c>, which differs between architectures; 0 where it is not known.</summary>
    private static int DirectFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    // open(2) is variadic; without O_CREAT the mode argument is never read, so it is not passed.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);
}
