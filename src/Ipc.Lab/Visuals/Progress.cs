using Ipc.Lab.Experiments;

namespace Ipc.Lab.Visuals;

/// <summary>A progress bar for a cell that measures for a while: show one with display(...) and Update the
/// handle with each new <see cref="Progress"/> (the kernel replaces it in place).</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed record Progress(int Done, int Total, string Step, TimeSpan Elapsed) : IHtmlRenderable
{
    public static Progress Of(ComparisonProgress p) => new(p.Done, p.Total, p.Step, p.Elapsed);

    public static Progress Starting(string step) => new(0, 1, step, TimeSpan.Zero);

    public override string ToString() => $"[{Done}/{Total}] {Step} ({Elapsed.TotalSeconds:0} s)";

    public string ToHtml() =>
        $"<div style=\"font-family:sans-serif\"><progress value=\"{Done}\" max=\"{Math.Max(1, Total)}\" style=\"width:20em\"></progress> " +
        $"{Done} of {Total}: {Html.Text(Step)} <span style=\"color:#757575\">({Elapsed.TotalSeconds:0} s)</span></div>";
}
