using Ipc.Lab.Diagnostics;
using Ipc.Lab.Pipes;
using Ipc.Lab.Signals;
using Ipc.Lab.Processes;
using static Ipc.Lab.Signals.Posix;

namespace Ipc.Lab.Experiments;

/// <summary>One round of <see cref="Coalescing.Measure"/>: how many signals were sent, how many arrived.</summary>
public sealed record DeliveryCount(Signal Signal, int Sent, int Delivered);

/// <summary>Sends a signal many times to a child and counts how often it arrives. The child blocks the signal
/// on its thread (sigprocmask) and takes it with sigtimedwait; after each round the notebook sends SIGRTMAX,
/// which the kernel hands out after every lower-numbered pending signal, so when the child takes it the round
/// is complete — no guessing how long to wait.</summary>
public static class Coalescing
{
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(20);

    /// <summary>For each number in <paramref name="rounds"/>, sends <paramref name="signal"/> that many times
    /// (rt_tgsigqueueinfo: sigqueue aimed at the child's receiving thread, value = sequence number). With
    /// <paramref name="whileReceiverWaits"/> the child takes nothing until the round has been sent, so the
    /// kernel alone decides what is kept; without it the child takes signals as they come, racing the sender.</summary>
    public static IReadOnlyList<DeliveryCount> Measure(Signal signal, IEnumerable<int> rounds, bool whileReceiverWaits = true)
    {
        var counts = rounds.ToArray();
        if (counts.Any(c => c < 0)) throw new ArgumentOutOfRangeException(nameof(rounds), "A round sends zero or more signals.");
        if (signal == Signal.SIGRTMAX) throw new ArgumentException("SIGRTMAX marks the end of each round; measure another signal.", nameof(signal));
        SignalRules.EnsureCatchable(signal);
        using var toChild = Pipe.Create();
        using var toParent = Pipe.Create();
        using var child = Fork.Run(toChild.ReadEnd, toParent.WriteEnd, (int)signal, (commands, replies, number) =>
        {
            EventTrace.Enabled = false;
            Signal[] inbox = [(Signal)number, Signal.SIGRTMAX];
            using var mask = Posix.SigProcMask(SigmaskHow.SIG_BLOCK, inbox);
            replies.Write(BitConverter.GetBytes(Posix.GetTid()));
            while (true)
            {
                var command = commands.Read(1, TimeSpan.FromMinutes(2));
                if (command.Length == 0) break;
                int delivered = 0;
                while (Posix.SigTimedWait(inbox, TimeSpan.FromSeconds(20)) is { } received && received.Signo != Signal.SIGRTMAX) delivered++;
                replies.Write(BitConverter.GetBytes(delivered));
            }
        }, name: "receiver");
        toChild.ReadEnd.Close();
        toParent.WriteEnd.Close();
        int tid = BitConverter.ToInt32(toParent.ReadEnd.ReadExactly(4, Round));
        var results = new List<DeliveryCount>();
        bool traced = EventTrace.Enabled;
        try
        {
            foreach (int n in counts)
            {
                EventTrace.Enabled = false;
                if (!whileReceiverWaits) toChild.WriteEnd.Write("g");
                for (int i = 1; i <= n; i++) RtTgSigQueueInfo(child.Pid, tid, signal, i);
                RtTgSigQueueInfo(child.Pid, tid, Signal.SIGRTMAX, 0);
                if (whileReceiverWaits) toChild.WriteEnd.Write("g");
                EventTrace.Enabled = traced;
                results.Add(new DeliveryCount(signal, n, BitConverter.ToInt32(toParent.ReadEnd.ReadExactly(4, Round))));
            }
        }
        finally
        {
            EventTrace.Enabled = traced;
        }
        toChild.WriteEnd.Close();
        child.Wait(Round);
        return results;
    }
}
