using System.Text;
using Ipc.Lab.Visuals;

namespace Ipc.Lab.Exercises;

public enum CheckStatus { Passed, Failed, NotSolved }

/// <summary>The outcome of one exercise's check, as the student sees it under the check cell: ✅ with the
/// points, ✏️ when the answer cell still holds its stub, or ❌ with what was expected, what the code did,
/// and a hint.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class CheckResult : IHtmlRenderable
{
    internal CheckResult(string id, int points, CheckStatus status, string message, string? expected = null, string? actual = null, string? hint = null)
    {
        Id = id;
        Points = points;
        Status = status;
        Message = message;
        Expected = expected;
        Actual = actual;
        Hint = hint;
    }

    public string Id { get; }
    public int Points { get; }
    public CheckStatus Status { get; }
    public int Earned => Status == CheckStatus.Passed ? Points : 0;
    public string Message { get; }
    public string? Expected { get; }
    public string? Actual { get; }
    public string? Hint { get; }

    /// <summary>The status word the results file and the grader use.</summary>
    public string StatusName => Status switch
    {
        CheckStatus.Passed => "passed",
        CheckStatus.NotSolved => "not-solved",
        _ => "failed",
    };

    private string Icon => Status switch
    {
        CheckStatus.Passed => "✅",
        CheckStatus.NotSolved => "✏️",
        _ => "❌",
    };

    private string Headline => $"{Icon} {Id}: {Earned}/{Points} point{(Points == 1 ? "" : "s")}";

    public override string ToString()
    {
        var text = new StringBuilder(Headline).Append(" — ").Append(Message);
        if (Expected is not null) text.Append("\n   expected: ").Append(Expected);
        if (Actual is not null) text.Append("\n   your code: ").Append(Actual);
        if (Hint is not null) text.Append("\n   hint: ").Append(Hint);
        return text.ToString();
    }

    public string ToHtml()
    {
        var (border, background) = Status switch
        {
            CheckStatus.Passed => ("#2e7d32", "#e8f5e9"),
            CheckStatus.NotSolved => ("#9e9e9e", "#f5f5f5"),
            _ => ("#c62828", "#ffebee"),
        };
        var html = new StringBuilder();
        html.Append($"<div class=\"ipc-check\" style=\"border-left:6px solid {border};background:{background};color:#212121;padding:8px 12px;margin:4px 0;font-family:sans-serif\">");
        html.Append($"<div style=\"font-weight:bold\">{Html.Text(Headline)}</div>");
        html.Append($"<div>{Html.Text(Message)}</div>");
        if (Expected is not null || Actual is not null || Hint is not null)
        {
            html.Append("<table style=\"margin-top:4px;border-collapse:collapse\">");
            Row(html, "expected", Expected, code: true);
            Row(html, "your code", Actual, code: true);
            Row(html, "hint", Hint, code: false);
            html.Append("</table>");
        }
        html.Append("</div>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, string? value, bool code)
    {
        if (value is null) return;
        var shown = code ? $"<code style=\"white-space:pre-wrap\">{Html.Text(value)}</code>" : Html.Text(value);
        html.Append($"<tr><td style=\"padding:2px 12px 2px 0;vertical-align:top;color:#555\">{label}</td><td style=\"padding:2px 0\">{shown}</td></tr>");
    }
}
