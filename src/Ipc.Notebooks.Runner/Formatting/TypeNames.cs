namespace Ipc.Notebooks.Runner.Formatting;

// C#-style type names ("List<int>", not "List`1[System.Int32]") for table captions.
internal static class TypeNames
{
    public static string Friendly(Type type)
    {
        if (type.IsArray) return Friendly(type.GetElementType()!) + "[]";
        if (Nullable.GetUnderlyingType(type) is { } inner) return Friendly(inner) + "?";
        if (type.Name.Contains("AnonymousType", StringComparison.Ordinal)) return "(anonymous)";
        if (!type.IsGenericType) return Keyword(type) ?? type.Name;
        var tick = type.Name.IndexOf('`');
        var name = tick >= 0 ? type.Name[..tick] : type.Name;
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Friendly))}>";
    }

    private static string? Keyword(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int32 => "int",
        TypeCode.Int64 => "long",
        TypeCode.String => "string",
        TypeCode.Boolean => "bool",
        TypeCode.Double => "double",
        TypeCode.Byte => "byte",
        TypeCode.Char => "char",
        _ => type == typeof(object) ? "object" : null,
    };
}
