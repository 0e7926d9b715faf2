using System.Globalization;
using System.Text;

namespace Ipc.Lab.Visuals;

/// <summary>The few SVG shapes the diagrams draw, written as text: inline SVG renders in every notebook front
/// end and in nbconvert's HTML without a script, and every label is escaped here.</summary>
internal sealed class Svg
{
    private readonly StringBuilder _body = new();

    public const string Font = "font-family:sans-serif;font-size:12px";

    public Svg Rect(double x, double y, double width, double height, string fill, string stroke = "#555", double radius = 4)
    {
        _body.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" rx=\"{N(radius)}\" fill=\"{fill}\" stroke=\"{stroke}\"/>");
        return this;
    }

    public Svg Text(double x, double y, string text, string anchor = "start", string style = "", string fill = "#222")
    {
        _body.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" fill=\"{fill}\" style=\"{style}\">{Html.Text(text)}</text>");
        return this;
    }

    /// <summary>A line; with <paramref name="arrow"/> it ends in an arrowhead at (x2, y2).</summary>
    public Svg Line(double x1, double y1, double x2, double y2, string stroke, bool arrow = false, string dash = "")
    {
        _body.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
        if (dash.Length > 0) _body.Append($" stroke-dasharray=\"{dash}\"");
        _body.Append("/>");
        if (arrow)
        {
            double angle = Math.Atan2(y2 - y1, x2 - x1), size = 7;
            (double, double) Wing(double turn) => (x2 - size * Math.Cos(angle + turn), y2 - size * Math.Sin(angle + turn));
            var (ax, ay) = Wing(0.45);
            var (bx, by) = Wing(-0.45);
            _body.Append($"<polygon points=\"{N(x2)},{N(y2)} {N(ax)},{N(ay)} {N(bx)},{N(by)}\" fill=\"{stroke}\"/>");
        }
        return this;
    }

    /// <summary>The drawing in a figure with a caption; <paramref name="cssClass"/> marks what kind of diagram it is.</summary>
    public string ToHtml(string cssClass, double width, double height, string title, string? caption)
    {
        var html = new StringBuilder($"<figure class=\"{cssClass}\" style=\"margin:4px 0;{Font}\">");
        html.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" role=\"img\" aria-label=\"{Html.Text(title)}\" style=\"{Font}\">");
        html.Append($"<text x=\"4\" y=\"16\" style=\"font-weight:bold\">{Html.Text(title)}</text>");
        html.Append(_body).Append("</svg>");
        if (caption is not null) html.Append($"<figcaption style=\"color:#555\">{Html.Text(caption)}</figcaption>");
        return html.Append("</figure>").ToString();
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
