using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;

namespace Ipc.Notebooks.Runner.Formatting;

// The kernel's default HTML for plain objects: public properties one level deep, and for sequences one row
// per item, capped so that a cell showing a million-element list does not produce a million-row page.
internal static class HtmlTable
{
    public const int MaxRows = 100;

    public static string ForProperties(object value)
    {
        var html = new StringBuilder("<table><thead><tr><th>Property</th><th>Value</th></tr></thead><tbody>");
        foreach (var property in Properties(value.GetType()))
            html.Append("<tr><td>").Append(Encode(property.Name)).Append("</td><td>").Append(Cell(Read(property, value))).Append("</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    public static string ForItems(IEnumerable items)
    {
        var rows = new List<object?>();
        var more = false;
        foreach (var item in items)
        {
            if (rows.Count == MaxRows) { more = true; break; }
            rows.Add(item);
        }

        // Columns are the properties of the items when they are all of one non-scalar type (a list of records
        // reads as a table); mixed or scalar items get a single value column.
        var itemTypes = rows.Where(r => r is not null).Select(r => r!.GetType()).Distinct().ToList();
        var columns = itemTypes.Count == 1 && !ValueFormatter.IsScalar(itemTypes[0]) && itemTypes[0] != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(itemTypes[0])
            ? Properties(itemTypes[0])
            : [];

        var html = new StringBuilder("<table><thead><tr><th><i>index</i></th>");
        if (columns.Length == 0) html.Append("<th>value</th>");
        foreach (var column in columns) html.Append("<th>").Append(Encode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (var i = 0; i < rows.Count; i++)
        {
            html.Append("<tr><td>").Append(i).Append("</td>");
            if (columns.Length == 0) html.Append("<td>").Append(Cell(rows[i])).Append("</td>");
            foreach (var column in columns) html.Append("<td>").Append(Cell(rows[i] is { } row ? Read(column, row) : null)).Append("</td>");
            html.Append("</tr>");
        }
        if (more) html.Append("<tr><td colspan=\"").Append(Math.Max(2, columns.Length + 1)).Append("\">(more items not shown)</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    private static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
            .ToArray();

    private static object? Read(PropertyInfo property, object target)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (TargetInvocationException e)
        {
            return $"<{e.InnerException?.GetType().Name ?? "error"}: {e.InnerException?.Message}>";
        }
    }

    private static string Cell(object? value) =>
        HtmlContent.TryWrite(value) ?? Encode(PlainText.Short(value));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
