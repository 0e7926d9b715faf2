using System.Collections;
using System.Text;

namespace Ipc.Notebooks.Runner.Formatting;

// The text/plain form. Collections are spelled out because their ToString() only names the type,
// which tells a student nothing.
internal static class PlainText
{
    private const int MaxItems = 20;

    public static string Of(object? value)
    {
        switch (value)
        {
            case null: return "<null>";
            case string text: return text;
            case IEnumerable items when !HasOwnToString(value.GetType()):
                var text2 = new StringBuilder("[ ");
                var count = 0;
                foreach (var item in items)
                {
                    if (count > 0) text2.Append(", ");
                    if (count++ == MaxItems) { text2.Append('…'); break; }
                    text2.Append(item is IEnumerable and not string ? Short(item) : Of(item));
                }
                return text2.Append(" ]").ToString();
            default: return ValueFormatter.Invariant(value);
        }
    }

    public static string Short(object? value) => value switch
    {
        null => "<null>",
        string text => text,
        IEnumerable when !HasOwnToString(value.GetType()) => $"{TypeNames.Friendly(value.GetType())} (…)",
        _ => ValueFormatter.Invariant(value),
    };

    private static bool HasOwnToString(Type type) =>
        type.GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType is { } declaring &&
        declaring != typeof(object) && declaring.Namespace?.StartsWith("System", StringComparison.Ordinal) != true;
}
