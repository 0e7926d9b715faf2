using System.Text;

namespace Ipc.Lab.Visuals;

/// <summary>A program's source as a notebook shows it: numbered lines under its file name. The C the notebooks
/// compile lives in files of its own (notebooks/c/), and a cell shows it from there, so the text the student
/// reads is the text gcc compiled.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Listing : IHtmlRenderable
{
    public Listing(string title, string source)
    {
        Title = title;
        Source = source;
    }

    public string Title { get; }
    public string Source { get; }

    /// <summary>The file at <paramref name="path"/> (relative to the notebook's folder), titled by its path.</summary>
    public static Listing File(string path) => new(path, System.IO.File.ReadAllText(path));

    private IEnumerable<string> Lines => Source.TrimEnd('\n').Split('\n');

    /// <summary>Ends with a newline, so that what a program prints after its listing starts on a line of its own.</summary>
    public override string ToString() =>
        new StringBuilder($"── {Title} ──\n").AppendJoin('\n', Lines.Select((l, i) => $"{i + 1,3}  {l}")).Append('\n').ToString();

    public string ToHtml()
    {
        var html = new StringBuilder("<figure class=\"ipc-listing\" style=\"margin:4px 0\">");
        html.Append($"<figcaption style=\"font-family:sans-serif;font-weight:bold;padding-bottom:2px\">{Html.Text(Title)}</figcaption>");
        html.Append("<pre style=\"margin:0;padding:6px;background:#f6f8fa;border:1px solid #ddd;max-height:28em;overflow:auto;font-size:12px;line-height:1.35\">");
        int i = 0;
        foreach (var line in Lines)
            html.Append($"<span style=\"color:#999;user-select:none\">{++i,3}  </span>{Html.Text(line)}\n");
        return html.Append("</pre></figure>").ToString();
    }
}
