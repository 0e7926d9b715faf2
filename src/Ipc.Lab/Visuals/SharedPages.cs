using System.Text;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.SharedMemory;

namespace Ipc.Lab.Visuals;

/// <summary>Where one process maps a shared region: the range of its own virtual addresses, the permissions
/// ("rw-s": s for shared), and the kernel object behind it (device and inode, and its name in /proc/PID/maps).</summary>
public sealed record MappedRange(string Process, int Pid, ulong Start, ulong End, string Permissions, string Device, long Inode, string Backing)
{
    public ulong Length => End - Start;
}

/// <summary>Several processes mapping the same pages: each at an address of its own, all backed by one object in
/// the kernel. Read from /proc/PID/maps of the real processes when <see cref="Of"/> is called: the line of each
/// that has the same device and inode as the notebook's own mapping of the region.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class SharedPages : IHtmlRenderable
{
    public SharedPages(string title, IReadOnlyList<MappedRange> mappings, string? missing = null)
    {
        Title = title;
        Mappings = mappings;
        Missing = missing;
    }

    public string Title { get; }
    public IReadOnlyList<MappedRange> Mappings { get; }

    /// <summary>The processes that had no mapping of the region when read (a child that already exited), or null.</summary>
    public string? Missing { get; }

    /// <summary>The notebook's mapping of <paramref name="region"/>, and every mapping of the same pages in <paramref name="children"/>.</summary>
    public static SharedPages Of(string title, SharedRegion region, params ChildProcess[] children)
    {
        ArgumentNullException.ThrowIfNull(region);
        ulong at = region.MappedAt;
        if (at == 0) throw new ObjectDisposedException(region.Kind, "This region was disposed: there is no mapping left to draw.");
        var own = ProcMapping.Of(Environment.ProcessId)?.FirstOrDefault(m => m.Start <= at && at < m.End)
            ?? throw new InvalidOperationException($"/proc/self/maps has no mapping at 0x{at:x}, where this {region.Kind} is mapped.");
        var mappings = new List<MappedRange> { Range("notebook", Environment.ProcessId, own) };
        var missing = new List<string>();
        foreach (var child in children)
        {
            var same = ProcMapping.Of(child.Pid)?.Where(m => m.Device == own.Device && m.Inode == own.Inode && m.Inode != 0).ToList() ?? [];
            if (same.Count == 0) missing.Add($"{child.Name} (pid {child.Pid})");
            mappings.AddRange(same.Select(m => Range(child.Name, child.Pid, m)));
        }
        return new SharedPages(title, mappings, missing.Count == 0 ? null : $"no mapping of these pages in {string.Join(", ", missing)}");
    }

    private static MappedRange Range(string process, int pid, ProcMapping m) =>
        new(process, pid, m.Start, m.End, m.Permissions, m.Device, m.Inode, m.Path);

    public override string ToString()
    {
        var text = new StringBuilder(Title);
        foreach (var m in Mappings)
            text.Append($"\n{m.Process} (pid {m.Pid}): {m.Start:x}-{m.End:x} {m.Permissions} → device {m.Device}, inode {m.Inode} {m.Backing}");
        if (Missing is not null) text.Append('\n').Append(Missing);
        return text.ToString();
    }

    private const double ColumnWidth = 210, ColumnGap = 20, Left = 8, Top = 30, SpaceHeight = 150, PagesHeight = 50;

    public string ToHtml()
    {
        var svg = new Svg();
        double width = Math.Max(2, Mappings.Count) * (ColumnWidth + ColumnGap) + Left;
        double pagesY = Top + SpaceHeight + 60;
        double pagesX = width / 2 - 170, pagesWidth = 340;
        for (int i = 0; i < Mappings.Count; i++)
        {
            var m = Mappings[i];
            double x = Left + i * (ColumnWidth + ColumnGap);
            svg.Rect(x, Top, ColumnWidth, SpaceHeight, "#f6f8fa")
               .Text(x + ColumnWidth / 2, Top + 16, $"{m.Process} (pid {m.Pid})", "middle", "font-weight:bold")
               .Text(x + ColumnWidth / 2, Top + 31, "its virtual address space", "middle", fill: "#777")
               .Rect(x + 12, Top + 62, ColumnWidth - 24, 52, "#dff0d8")
               .Text(x + ColumnWidth / 2, Top + 80, $"0x{m.Start:x}", "middle", "font-family:monospace")
               .Text(x + ColumnWidth / 2, Top + 95, $"{m.Length:N0} bytes, {m.Permissions}", "middle")
               .Text(x + ColumnWidth / 2, Top + 109, m.Permissions.EndsWith('s') ? "shared mapping" : "private mapping", "middle", fill: "#555")
               .Line(x + ColumnWidth / 2, Top + 114, pagesX + pagesWidth * (i + 0.5) / Mappings.Count, pagesY, "#3c763d", arrow: true);
        }
        var first = Mappings.FirstOrDefault();
        svg.Rect(pagesX, pagesY, pagesWidth, PagesHeight, "#fff7d6")
           .Text(width / 2, pagesY + 19, "the same physical pages, in the kernel", "middle", "font-weight:bold")
           .Text(width / 2, pagesY + 36, first is null ? "" : $"{Shorten(first.Backing)} · device {first.Device} · inode {first.Inode}", "middle", fill: "#555");
        string caption = "Read from /proc/PID/maps now: one line per process, the same device and inode, each at an address of its own." +
            (Missing is null ? "" : " Not drawn: " + Missing + ".");
        return svg.ToHtml("ipc-shared-pages", width, pagesY + PagesHeight + 6, Title, caption);
    }

    private static string Shorten(string backing) => backing.Length <= 44 ? backing : backing[..20] + "…" + backing[^20..];
}
