namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>A test that needs a real browser: skipped, with the reason, on a machine without Chromium. Tests do
/// not install a browser themselves; CI installs Chromium.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} is not installed (apt-get install chromium)";
    }
}
