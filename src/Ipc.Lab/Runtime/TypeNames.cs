namespace Ipc.Lab.Runtime;

/// <summary>C# source spelling of a type (List`1[System.Int32] → System.Collections.Generic.List&lt;System.Int32&gt;).</summary>
internal static class TypeNames
{
    public static string CSharp(Type t)
    {
        if (t.IsArray) return CSharp(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        var name = (t.FullName ?? t.Name).Replace('+', '.');
        if (!t.IsGenericType) return "global::" + name;
        var bare = name[..name.IndexOf('`')];
        return $"global::{bare}<{string.Join(", ", t.GetGenericArguments().Select(CSharp))}>";
    }
}
