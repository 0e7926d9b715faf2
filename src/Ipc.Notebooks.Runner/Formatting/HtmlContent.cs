using System.Text.Encodings.Web;

namespace Ipc.Notebooks.Runner.Formatting;

// Objects that already are HTML (ASP.NET's IHtmlContent, or a look-alike the course library defines without
// referencing ASP.NET) are written as they are; matched by interface name so no assembly is required.
internal static class HtmlContent
{
    public static string? TryWrite(object? value)
    {
        if (value is null) return null;
        var contract = value.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "IHtmlContent");
        var writeTo = contract?.GetMethod("WriteTo", [typeof(TextWriter), typeof(HtmlEncoder)]);
        if (writeTo is null) return null;
        using var writer = new StringWriter();
        writeTo.Invoke(value, [writer, HtmlEncoder.Default]);
        return writer.ToString();
    }
}
