using System.Text;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;

namespace Ipc.Lab.Visuals;

/// <summary>One descriptor of a process that refers to a pipe: its number, the pipe ("pipe:[48213]", the
/// inode the kernel names it by) and which end it is.</summary>
public sealed record PipeDescriptor(int Fd, string Pipe, bool IsWriteEnd)
{
    public string End => IsWriteEnd ? "write end" : "read end";
}

/// <summary>A process and its descriptors that refer to the pipes drawn.</summary>
public sealed record ProcessDescriptors(string Process, int Pid, IReadOnlyList<PipeDescriptor> Descriptors);

/// <summary>The descriptor tables of several processes, and the pipes in the kernel their entries point to: the
/// picture of what pipe() and a spawn (or fork()) make. Read from /proc/PID/fd and /proc/PID/fdinfo of the real
/// processes at the moment <see cref="Of(string, Pipe, ChildProcess[])"/> is called, not drawn from what the
/// library believes: a descriptor the notebook forgot to close shows up.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class DescriptorTable : IHtmlRenderable
{
    private const int AccessModeMask = 3, WriteOnly = 1;

    public DescriptorTable(string title, IReadOnlyList<ProcessDescriptors> processes)
    {
        Title = title;
        Processes = processes;
    }

    public string Title { get; }
    public IReadOnlyList<ProcessDescriptors> Processes { get; }

    /// <summary>The pipes drawn, in the order they first appear.</summary>
    public IReadOnlyList<string> Pipes => Processes.SelectMany(p => p.Descriptors).Select(d => d.Pipe).Distinct().ToList();

    /// <summary>This process and <paramref name="children"/>, with every descriptor each holds on <paramref name="pipe"/>.</summary>
    public static DescriptorTable Of(string title, Pipe pipe, params ChildProcess[] children) => Of(title, [pipe], children);

    /// <summary>This process and <paramref name="children"/>, with every descriptor each holds on any of <paramref name="pipes"/>.</summary>
    public static DescriptorTable Of(string title, IEnumerable<Pipe> pipes, params ChildProcess[] children)
    {
        var links = pipes.Select(Link).ToHashSet();
        var processes = new List<ProcessDescriptors> { Read("notebook", Environment.ProcessId, links) };
        processes.AddRange(children.Select(c => Read(c.Name, c.Pid, links)));
        return new DescriptorTable(title, processes);
    }

    /// <summary>"pipe:[inode]", from whichever end this process still holds.</summary>
    private static string Link(Pipe pipe)
    {
        foreach (var end in new Io.FileDescriptor[] { pipe.ReadEnd, pipe.WriteEnd })
            if (!end.IsClosed && ProcDescriptors.Target(Environment.ProcessId, end.Number) is { } link) return link;
        throw new InvalidOperationException("Both ends of this pipe are closed in the notebook, so /proc cannot say which pipe it was: draw it before closing the last end.");
    }

    private static ProcessDescriptors Read(string name, int pid, IReadOnlySet<string> links)
    {
        var descriptors = (ProcDescriptors.Of(pid) ?? []).Order()
            .Select(fd => (Fd: fd, Link: ProcDescriptors.Target(pid, fd), Flags: ProcDescriptors.Flags(pid, fd)))
            .Where(d => d.Link is not null && links.Contains(d.Link) && d.Flags is not null)
            .Select(d => new PipeDescriptor(d.Fd, d.Link!, (d.Flags!.Value & AccessModeMask) == WriteOnly))
            .ToList();
        return new ProcessDescriptors(name, pid, descriptors);
    }

    public override string ToString()
    {
        var text = new StringBuilder(Title);
        foreach (var p in Processes)
        {
            text.Append($"\n{p.Process} (pid {p.Pid}):");
            if (p.Descriptors.Count == 0) text.Append(" none");
            foreach (var d in p.Descriptors) text.Append($"\n  fd {d.Fd,-3} → {d.Pipe}, {d.End}");
        }
        return text.ToString();
    }

    private const double BoxX = 8, BoxWidth = 250, RowHeight = 22, HeaderHeight = 26, Gap = 14, Top = 30;
    private const double PipeX = 420, PipeWidth = 180, PipeHeight = 46;

    public string ToHtml()
    {
        var svg = new Svg();
        var rows = new List<(double Y, PipeDescriptor D)>();
        double y = Top;
        foreach (var p in Processes)
        {
            double height = HeaderHeight + Math.Max(1, p.Descriptors.Count) * RowHeight + 6;
            svg.Rect(BoxX, y, BoxWidth, height, "#f6f8fa")
               .Text(BoxX + 8, y + 17, $"{p.Process} (pid {p.Pid})", style: "font-weight:bold");
            if (p.Descriptors.Count == 0) svg.Text(BoxX + 8, y + HeaderHeight + 15, "no descriptor on this pipe", fill: "#777");
            for (int i = 0; i < p.Descriptors.Count; i++)
            {
                var d = p.Descriptors[i];
                double rowY = y + HeaderHeight + i * RowHeight;
                svg.Rect(BoxX + 6, rowY, BoxWidth - 12, RowHeight - 4, d.IsWriteEnd ? "#fde8d7" : "#dcebf7", stroke: "#999", radius: 2)
                   .Text(BoxX + 12, rowY + 13, $"fd {d.Fd}  {d.End}");
                rows.Add((rowY + (RowHeight - 4) / 2, d));
            }
            y += height + Gap;
        }
        double height0 = Math.Max(y, Top + Pipes.Count * (PipeHeight + Gap)) + 4;
        var pipeY = new Dictionary<string, double>();
        var pipes = Pipes;
        for (int i = 0; i < pipes.Count; i++)
        {
            // Pipes spread over the height of the drawing, so that the lines to them fan out.
            double py = Top + (height0 - Top - 4) * (i + 0.5) / pipes.Count - PipeHeight / 2;
            pipeY[pipes[i]] = py + PipeHeight / 2;
            svg.Rect(PipeX, py, PipeWidth, PipeHeight, "#fff7d6")
               .Text(PipeX + PipeWidth / 2, py + 19, pipes[i], "middle", "font-weight:bold")
               .Text(PipeX + PipeWidth / 2, py + 35, "in the kernel: a buffer", "middle", fill: "#555");
        }
        foreach (var (rowY, d) in rows)
        {
            // The arrow goes the way the bytes go: into the pipe from a write end, out of it to a read end.
            string colour = d.IsWriteEnd ? "#d2691e" : "#1f77b4";
            if (d.IsWriteEnd) svg.Line(BoxX + BoxWidth - 6, rowY, PipeX, pipeY[d.Pipe] - 8, colour, arrow: true);
            else svg.Line(PipeX, pipeY[d.Pipe] + 8, BoxX + BoxWidth - 6, rowY, colour, arrow: true);
        }
        return svg.ToHtml("ipc-descriptors", PipeX + PipeWidth + 8, height0, Title,
            "Read from /proc/PID/fd and /proc/PID/fdinfo now. Orange: write ends (bytes flow into the pipe); blue: read ends.");
    }
}
