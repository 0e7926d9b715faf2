using System.Text;
using Ipc.Lab.Processes;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Visuals;

/// <summary>A small table that renders as HTML in a notebook and as aligned text elsewhere: the stages of a
/// pipeline, the states of processes.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Table : IHtmlRenderable
{
    public Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        Headers = headers;
        Rows = rows.ToList();
        Caption = caption;
    }

    public IReadOnlyList<string> Headers { get; }
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }
    public string? Caption { get; }

    /// <summary>The lecture's table of signals, optionally only the rows with one default action.</summary>
    public static Table Signals(DefaultAction? only = null) => new(
        ["signal", "number", "default action", "comment"],
        SignalInfo.Standard.Where(s => only is null || s.Action == only)
            .Select(s => (IReadOnlyList<string>)[s.Signal.ToString(), s.Number.ToString(), s.Action.ToString(), s.Comment]),
        only is null ? "Standard signals of Linux (x86-64, arm64); real-time signals SIGRTMIN (34) to SIGRTMAX (64) default to Term." : null);

    /// <summary>How each program of a finished pipeline ended, and what the last one printed.</summary>
    public static Table Of(PipelineResult result) => new(
        ["stage", "program", "exit status"],
        result.Stages.Select((s, i) => (IReadOnlyList<string>)[(i + 1).ToString(), s.Command, s.Status.ToString()]),
        $"output of the last stage: {result.Output}");

    /// <summary>The processes of a running pipeline, with their state as the kernel reports it now.</summary>
    public static Table Of(RunningPipeline pipeline) => Processes(pipeline.Stages, pipeline.CommandLine);

    /// <summary>Processes with their state now, from /proc/PID/stat and wchan (what the kernel waits on).</summary>
    public static Table Processes(IEnumerable<ChildProcess> processes, string? caption = null) => new(
        ["process", "pid", "state (from /proc)"],
        processes.Select(p => (IReadOnlyList<string>)[p.Command, p.Pid.ToString(), p.Status?.ToString() ?? ProcessState.Describe(p.Pid) ?? "gone"]),
        caption);

    /// <summary>Sockets as the kernel lists them in /proc/net (what ss shows): protocol, both ends, state, and the
    /// queue (for a LISTEN socket: connections waiting for accept; for a connection: bytes not read yet).</summary>
    public static Table Sockets(IEnumerable<Ipc.Lab.Sockets.KernelSocket> sockets, string? caption = null) => new(
        ["proto", "local", "remote", "state", "queue"],
        sockets.Select(s => (IReadOnlyList<string>)[s.Protocol, s.Local, s.Remote, s.State, s.Queue.ToString()]),
        caption);

    public override string ToString()
    {
        var widths = Headers.Select((h, i) => Rows.Select(r => i < r.Count ? r[i].Length : 0).Prepend(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", widths.Select((w, i) => (i < cells.Count ? cells[i] : "").PadRight(w))).TrimEnd();
        var text = new StringBuilder();
        if (Caption is not null) text.AppendLine(Caption);
        text.AppendLine(Line(Headers));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in Rows) text.AppendLine(Line(row));
        return text.ToString().TrimEnd();
    }

    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"ipc-table\" style=\"border-collapse:collapse;font-family:sans-serif\">");
        if (Caption is not null) html.Append($"<caption style=\"caption-side:bottom;text-align:left;padding-top:4px\">{Html.Text(Caption)}</caption>");
        html.Append("<thead><tr>");
        foreach (var h in Headers) html.Append($"<th style=\"text-align:left;padding:2px 12px;border-bottom:1px solid #999\">{Html.Text(h)}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append($"<td style=\"padding:2px 12px\"><code>{Html.Text(cell)}</code></td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }
}
