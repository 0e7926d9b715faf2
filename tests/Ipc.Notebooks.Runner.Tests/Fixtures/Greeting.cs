namespace Ipc.Notebooks.Runner.Tests.Fixtures;

// A library type that renders itself through .NET Interactive's convention-based formatter mechanism, the way
// Ipc.Lab's tables and charts do: notebooks load this assembly with #r and display a Greeting.
[TypeFormatterSource(typeof(GreetingFormatterSource))]
public sealed record Greeting(string Name);

[AttributeUsage(AttributeTargets.Class)]
public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
    public string[]? PreferredMimeTypes { get; set; }
}

public sealed class GreetingFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new GreetingHtml()];
}

public sealed class GreetingHtml
{
    public string MimeType => "text/html";

    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not Greeting greeting) return false;
        writer.Write($"<em class=\"greeting\">Hello, {System.Net.WebUtility.HtmlEncode(greeting.Name)}</em>");
        return true;
    }
}
