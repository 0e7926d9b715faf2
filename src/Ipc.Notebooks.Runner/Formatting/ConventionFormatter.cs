using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Formatting;

// .NET Interactive's convention-based formatters: a type carries an attribute named TypeFormatterSourceAttribute
// (in any namespace) pointing at a source whose CreateTypeFormatters() yields objects with a MimeType and
// Format(object, TextWriter). Everything is found by name, which is what lets the course library render its
// tables and charts in both kernels without referencing either.
internal static class ConventionFormatter
{
    private sealed record Formatter(string MimeType, Type? AppliesTo, object Instance, MethodInfo Format);

    private sealed record Source(IReadOnlyList<Formatter> Formatters, IReadOnlyList<string> PreferredMimeTypes);

    private static readonly ConcurrentDictionary<Type, Source?> Sources = new();

    public static JsonObject? TryFormat(object value)
    {
        if (Sources.GetOrAdd(value.GetType(), FindSource) is not { } source) return null;
        var bundle = new JsonObject();
        foreach (var formatter in source.Formatters)
        {
            if (bundle.ContainsKey(formatter.MimeType)) continue;
            if (formatter.AppliesTo is { } type && !type.IsInstanceOfType(value)) continue;
            using var writer = new StringWriter();
            if (formatter.Format.Invoke(formatter.Instance, [value, writer]) is true)
                bundle[formatter.MimeType] = writer.ToString();
        }
        if (bundle.Count == 0) return null;

        var preferred = source.PreferredMimeTypes.Where(bundle.ContainsKey).ToList();
        if (preferred.Count > 0)
            foreach (var other in bundle.Select(p => p.Key).Except(preferred).ToList()) bundle.Remove(other);
        if (!bundle.ContainsKey(ValueFormatter.Plain)) bundle[ValueFormatter.Plain] = PlainText.Of(value);
        return bundle;
    }

    private static Source? FindSource(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var attribute = current.GetCustomAttributes(inherit: false).FirstOrDefault(a => a.GetType().Name == "TypeFormatterSourceAttribute");
            if (attribute is null) continue;
            var attributeType = attribute.GetType();
            if (attributeType.GetProperty("FormatterSourceType")?.GetValue(attribute) is not Type sourceType) return null;
            var preferred = attributeType.GetProperty("PreferredMimeTypes")?.GetValue(attribute) as IEnumerable<string> ?? [];
            var instance = Activator.CreateInstance(sourceType, nonPublic: true);
            var create = sourceType.GetMethod("CreateTypeFormatters", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes);
            if (instance is null || create?.Invoke(instance, null) is not IEnumerable created) return null;
            var formatters = new List<Formatter>();
            foreach (var formatter in created)
            {
                if (formatter is null) continue;
                var formatterType = formatter.GetType();
                var format = formatterType.GetMethods().FirstOrDefault(m =>
                    m.Name == "Format" && m.ReturnType == typeof(bool) && m.GetParameters() is [_, var second] &&
                    second.ParameterType.IsAssignableFrom(typeof(StringWriter)));
                if (format is null || formatterType.GetProperty("MimeType")?.GetValue(formatter) is not string mime) continue;
                var appliesTo = formatterType.GetProperty("Type")?.GetValue(formatter) as Type;
                formatters.Add(new Formatter(mime, appliesTo, formatter, format));
            }
            // Without a stated preference the kernel shows HTML, so HTML goes first.
            formatters.Sort((a, b) => (b.MimeType == ValueFormatter.Html).CompareTo(a.MimeType == ValueFormatter.Html));
            return new Source(formatters, [.. preferred]);
        }
        return null;
    }
}
