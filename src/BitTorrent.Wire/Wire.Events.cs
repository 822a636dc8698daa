using Microsoft.Extensions.Logging;

namespace BitTorrent.Wire;

/// <summary>
/// The wire's event serialization. Inbound messages raise their events on the read loop while it holds the event
/// lock; anything else that must raise an event (a timer, a request answered on another thread, the close) posts it
/// here, and it runs on a thread-pool thread under the same lock. So events of one wire never run concurrently, never
/// run inline on a thread that called a wire method, and none is raised after <see cref="Closed"/>.
/// </summary>
public sealed partial class Wire
{
    private readonly object _eventLock = new();
    private readonly Queue<Action> _posted = new();
    private readonly TaskCompletionSource _closedRaised = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _closingSequence;
    private bool _postScheduled;
    private volatile bool _eventsEnded;

    /// <summary>Runs <paramref name="action"/> on the event loop unless the wire closed first.</summary>
    private void Post(Action action)
    {
        lock (_gate)
        {
            if (_closed) return;
            _posted.Enqueue(action);
            if (_postScheduled) return;
            _postScheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static wire => wire.RunPosted(), this, preferLocal: false);
    }

    /// <summary>Posts the close events (synthesized uninterested and choke, failed requests, <see cref="Closed"/>); once.</summary>
    private void PostClosing()
    {
        lock (_gate)
        {
            _closingSequence = RaiseClosing;
            _posted.Enqueue(_closingSequence);
            if (_postScheduled) return;
            _postScheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static wire => wire.RunPosted(), this, preferLocal: false);
    }

    private void RunPosted()
    {
        lock (_eventLock)
        {
            while (true)
            {
                Action action;
                lock (_gate)
                {
                    if (_posted.Count == 0)
                    {
                        _postScheduled = false;
                        return;
                    }
                    action = _posted.Dequeue();
                    if (_eventsEnded || (_closed && action != _closingSequence)) continue;
                }
                try
                {
                    action();
                }
                catch (Exception ex) when (action != _closingSequence)
                {
                    _logger.LogWarning(ex, "a wire event handler threw; closing the wire");
                    Close(WireCloseReason.ApplicationError, ex.Message, ex);
                }
            }
        }
    }

    private void RaiseClosing()
    {
        bool peerWasInterested;
        lock (_gate)
        {
            peerWasInterested = PeerInterested;
            PeerInterested = false;
            _peerRequests.Clear();
            _serveQueue.Clear();
        }
        try
        {
            if (peerWasInterested) PeerUninterestedReceived?.Invoke(this, EventArgs.Empty);
            lock (_gate)
            {
                PeerChoking = true;
                StopRequestTimer();
            }
            PeerChoked?.Invoke(this, EventArgs.Empty);
            if (!HasFast) FailAllRequests(WireRequestFailure.Choked);
            FailAllRequests(WireRequestFailure.Closed);
            Closed?.Invoke(this, CloseReason!);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "a wire event handler threw while the wire closed");
            FailAllRequests(WireRequestFailure.Closed);
        }
        finally
        {
            _eventsEnded = true;
            _closedRaised.TrySetResult();
        }
    }
}
