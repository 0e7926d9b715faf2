using System.Net;

namespace Ipc.Lab.Visuals;

/// <summary>Escaping in one place: every text that reaches HTML may hold &lt; or &amp; (a student's output, an
/// exception message).</summary>
internal static class Html
{
    public static string Text(string? s) => WebUtility.HtmlEncode(s ?? "");
}
