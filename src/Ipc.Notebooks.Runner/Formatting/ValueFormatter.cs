using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Formatting;

// Turns a value into a MIME bundle the way the .NET Interactive C# kernel does, closely enough that a
// notebook looks the same here as in Polyglot: strings as text, charts and convention-formatted library
// objects as their HTML, everything else as an HTML table plus a text/plain form.
internal static class ValueFormatter
{
    public const string Plain = "text/plain";
    public const string Html = "text/html";

    public static JsonObject Format(object? value, IReadOnlyCollection<string> mimeTypes)
    {
        var bundle = FormatAll(value);
        if (mimeTypes.Count == 0) return bundle;
        var chosen = new JsonObject();
        foreach (var mime in mimeTypes)
        {
            if (bundle[mime] is { } formatted) chosen[mime] = formatted.DeepClone();
            else if (mime == Plain) chosen[mime] = PlainText.Of(value);
        }
        return chosen.Count > 0 ? chosen : bundle;
    }

    private static JsonObject FormatAll(object? value)
    {
        if (value is null) return new JsonObject { [Plain] = "<null>" };
        if (value is string text) return new JsonObject { [Plain] = text };
        try
        {
            if (ConventionFormatter.TryFormat(value) is { } convention) return convention;
            if (HtmlContent.TryWrite(value) is { } html) return new JsonObject { [Html] = html };
            if (IsScalar(value.GetType())) return new JsonObject { [Plain] = PlainText.Of(value) };
            var table = value is IEnumerable items ? HtmlTable.ForItems(items) : HtmlTable.ForProperties(value);
            return new JsonObject { [Html] = table, [Plain] = PlainText.Of(value) };
        }
        catch (Exception e)
        {
            // A formatter that throws must not turn a successful cell into a failed one.
            return new JsonObject { [Plain] = $"{PlainText.Of(value)}\n(formatting as HTML failed: {e.GetType().Name}: {e.Message})" };
        }
    }

    public static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTime) ||
        type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) ||
        type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Uri) || type == typeof(Version) ||
        (Nullable.GetUnderlyingType(type) is { } inner && IsScalar(inner));

    internal static string Invariant(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
