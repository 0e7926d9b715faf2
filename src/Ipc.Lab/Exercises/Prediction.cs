using System.Text;
using Ipc.Lab.Visuals;

namespace Ipc.Lab.Exercises;

/// <summary>Where a notebook asks for a prediction: the student writes it in the cell before the experiment runs,
/// and the experiment's cell shows it next to what happened.</summary>
/// <example><code>
/// var samePids = Predict.Ask("Will the two pids be the same?", "");   // ✏️ your prediction between the quotes
/// …
/// samePids.Reveal($"parent {parent}, child {child}: different")
/// </code></example>
public static class Predict
{
    /// <summary>Records the student's prediction for <paramref name="question"/>. An empty one is allowed: the cell
    /// then asks for it, and the reveal says that none was written.</summary>
    public static Prediction Ask(string question, string yourPrediction)
    {
        if (string.IsNullOrWhiteSpace(question))
            throw new ArgumentException("A prediction needs the question it answers.", nameof(question));
        return new Prediction(question.Trim(), (yourPrediction ?? "").Trim());
    }
}

/// <summary>A student's prediction, and — once the experiment has run — what really happened. Immutable: revealing
/// gives a new value, so running the experiment cell again shows the same prediction, not an edited one.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed record Prediction : IHtmlRenderable
{
    internal Prediction(string question, string answer)
    {
        Question = question;
        Answer = answer;
    }

    public string Question { get; }

    /// <summary>What the student wrote; empty when nothing was.</summary>
    public string Answer { get; }

    /// <summary>What the experiment showed; null until <see cref="Reveal"/>.</summary>
    public string? Happened { get; private init; }

    public bool Written => Answer.Length > 0;

    /// <summary>The prediction next to what happened: call it at the end of the experiment's cell.</summary>
    public Prediction Reveal(object happened)
    {
        ArgumentNullException.ThrowIfNull(happened);
        return this with { Happened = happened.ToString() ?? "" };
    }

    private string Predicted => Written ? Answer : "(no prediction written — next time, write it before you run)";

    public override string ToString()
    {
        var text = new StringBuilder("🔮 ").Append(Question);
        if (Happened is null)
            return (Written ? text.Append("\n   your prediction: ").Append(Answer)
                            : text.Append("\n   ✏️ write your prediction between the quotes, then run the cell")).ToString();
        return text.Append("\n   you predicted: ").Append(Predicted).Append("\n   what happened: ").Append(Happened).ToString();
    }

    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"ipc-prediction\" style=\"border-left:6px solid #6a1b9a;background:#f3e5f5;color:#212121;padding:8px 12px;margin:4px 0;font-family:sans-serif\">");
        html.Append($"<div style=\"font-weight:bold\">🔮 {Html.Text(Question)}</div>");
        if (Happened is null)
        {
            html.Append(Written
                ? $"<div>your prediction: <b>{Html.Text(Answer)}</b> — now run the experiment</div>"
                : "<div>✏️ write your prediction between the quotes, then run the cell</div>");
        }
        else
        {
            html.Append("<table style=\"margin-top:4px;border-collapse:collapse\">");
            html.Append($"<tr><td style=\"padding:2px 12px 2px 0;color:#555\">you predicted</td><td>{Html.Text(Predicted)}</td></tr>");
            html.Append($"<tr><td style=\"padding:2px 12px 2px 0;color:#555\">what happened</td><td><b>{Html.Text(Happened)}</b></td></tr>");
            html.Append("</table>");
        }
        return html.Append("</div>").ToString();
    }
}
