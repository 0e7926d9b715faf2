using System.Text;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Visuals;

/// <summary>One signal's life as the kernel saw it: a snapshot of its bits in /proc/PID/status (SigBlk, SigPnd,
/// ShdPnd, SigCgt, SigIgn) at each step a cell chose, drawn left to right. What the signal went through —
/// generated, pending, blocked, delivered — is read from those bits and from how they changed between two
/// steps, never from what the cell says it did: a step whose snapshot shows nothing pending is not called
/// "pending" because the cell had just sent something.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed record SignalLife(Signal Signal, IReadOnlyList<SignalLife.Step> Steps) : IHtmlRenderable
{
    /// <summary>The kernel's bits for one signal at one moment, and what the cell had just done.</summary>
    public sealed record Step(string Event, bool Blocked, bool PendingForThread, bool PendingForProcess, bool Caught, bool Ignored)
    {
        public bool Pending => PendingForThread || PendingForProcess;
    }

    /// <summary>An empty life of <paramref name="signal"/>; add snapshots with <see cref="Then"/>.</summary>
    public static SignalLife Of(Signal signal) => new(signal, []);

    /// <summary>This life with one more step: <paramref name="what"/> the cell just did, and the signal's bits in
    /// <paramref name="status"/> (from <c>SignalStatus.Of(pid, tid)</c>, read right after).</summary>
    public SignalLife Then(string what, SignalStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var step = new Step(what, status.Blocked.Contains(Signal), status.PendingForThread.Contains(Signal), status.PendingForProcess.Contains(Signal),
            status.Caught.Contains(Signal), status.Ignored.Contains(Signal));
        return this with { Steps = [.. Steps, step] };
    }

    /// <summary>What step <paramref name="index"/> shows of the signal's life, from its bits and the step before.</summary>
    public string Stage(int index)
    {
        var now = Steps[index];
        bool before = index > 0 && Steps[index - 1].Pending;
        if (now.Pending)
        {
            string where = now.PendingForThread ? "for one thread" : "for the process";
            return (before ? "still pending " : "generated: pending ") + where + (now.Blocked ? ", blocked: the kernel holds it" : ", not blocked: on its way");
        }
        if (before)
            return now.Caught ? "delivered: the handler ran" : now.Ignored ? "discarded: ignored" : "delivered: default action";
        return now.Blocked ? "nothing pending; blocked, so one sent now would wait" : "nothing pending";
    }

    public override string ToString()
    {
        var text = new StringBuilder($"The life of {SignalNames.Describe((int)Signal)}, from /proc/PID/status");
        for (int i = 0; i < Steps.Count; i++)
        {
            var s = Steps[i];
            text.Append($"\n{i + 1}. {s.Event}: {Stage(i)} (blocked {Bit(s.Blocked)}, pending thread {Bit(s.PendingForThread)}, process {Bit(s.PendingForProcess)}, caught {Bit(s.Caught)})");
        }
        return text.ToString();
    }

    private static string Bit(bool on) => on ? "1" : "0";

    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"ipc-signal-life\" style=\"font-family:sans-serif\">");
        html.Append($"<div style=\"font-weight:bold;margin-bottom:6px\">The life of {Html.Text(SignalNames.Describe((int)Signal))}, read from <code>/proc/PID/status</code> at each step</div>");
        html.Append("<div style=\"display:flex;align-items:stretch;flex-wrap:wrap;gap:0\">");
        for (int i = 0; i < Steps.Count; i++)
        {
            var s = Steps[i];
            string stage = Stage(i);
            // The colour says the stage: held (red), on its way (orange), just delivered (green), nothing (grey).
            string colour = s.Pending ? (s.Blocked ? "#ffcdd2" : "#ffe0b2") : i > 0 && Steps[i - 1].Pending ? "#c8e6c9" : "#eeeeee";
            if (i > 0) html.Append("<div style=\"align-self:center;font-size:22px;padding:0 6px\">&rarr;</div>");
            html.Append($"<div style=\"background:{colour};border:1px solid #999;border-radius:6px;padding:6px 10px;min-width:150px;max-width:220px\">");
            html.Append($"<div style=\"font-size:12px;color:#555\">{i + 1}. {Html.Text(s.Event)}</div>");
            html.Append($"<div style=\"font-weight:bold;margin:4px 0\">{Html.Text(stage)}</div>");
            html.Append("<table style=\"font-size:12px;border-collapse:collapse\">");
            foreach (var (label, on) in new[] { ("SigBlk (blocked)", s.Blocked), ("SigPnd (thread)", s.PendingForThread), ("ShdPnd (process)", s.PendingForProcess), ("SigCgt (caught)", s.Caught) })
                html.Append($"<tr><td style=\"padding:0 6px 0 0\"><code>{label}</code></td><td>{(on ? "&#9679; 1" : "&#9675; 0")}</td></tr>");
            html.Append("</table></div>");
        }
        return html.Append("</div></div>").ToString();
    }
}
