namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

// A test that needs a real browser: skipped, with the reason, on a machine without Chromium. Tests install
// nothing themselves; CI installs Chromium.
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} is not installed (apt-get install chromium)";
    }
}
