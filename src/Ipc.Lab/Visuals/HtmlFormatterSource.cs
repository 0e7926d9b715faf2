namespace Ipc.Lab.Visuals;

/// <summary>Implemented by the library's objects that draw themselves as HTML.</summary>
public interface IHtmlRenderable
{
    string ToHtml();
}

/// <summary>The formatter source the kernel instantiates (by reflection) for every IHtmlRenderable: one
/// text/html formatter that asks the object for its HTML, and one text/plain that uses ToString(). Public
/// because a kernel may create it without asking for non-public constructors.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class HtmlFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => [new HtmlFormatter(), new PlainFormatter()];

    public sealed class HtmlFormatter
    {
        public string MimeType => "text/html";

        public bool Format(object instance, TextWriter writer)
        {
            if (instance is not IHtmlRenderable renderable) return false;
            writer.Write(renderable.ToHtml());
            return true;
        }
    }

    public sealed class PlainFormatter
    {
        public string MimeType => "text/plain";

        public bool Format(object instance, TextWriter writer)
        {
            writer.Write(instance.ToString());
            return true;
        }
    }
}
