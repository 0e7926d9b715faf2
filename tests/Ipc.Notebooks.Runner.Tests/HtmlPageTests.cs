using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// --html pages open offline and really draw their charts: checked in headless Chromium, on the DOM Plotly
// builds and on the pixels of a screenshot.
public sealed class HtmlPageTests
{
    // plotly.js's first trace colour without a template, #1f77b4.
    private static readonly (int R, int G, int B) TraceBlue = (0x1f, 0x77, 0xb4);

    [ChromiumFact]
    public void The_html_page_draws_the_chart_offline()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Markdown("# Chart page\nSome **bold** words.")
            .Code($"#r \"{Path.GetRelativePath(temp.Path, LabDll)}\"")
            .Code("""
                using Ipc.Lab.Visuals;
                Charts.Line("A chart", "x", "y", Series.Of("squares mod 7", Enumerable.Range(0, 20).Select(i => ((double)i, (double)(i * i % 7)))))
                """)
            .SaveIn(temp.Path, "page.ipynb");

        var run = RunnerRun.Start(temp.Sub("out"), notebook, "--html");

        Assert.True(run.ExitCode == 0, run.Report);
        var page = Path.Combine(run.OutDirectory, "page.html");
        var html = File.ReadAllText(page);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.DoesNotContain("src=\"http", html);

        var dom = Chromium(temp, "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.Contains("class=\"main-svg\"", dom.Stdout);

        var screenshot = Path.Combine(temp.Path, "page.png");
        Chromium(temp, $"--screenshot={screenshot}", "--window-size=1000,800", new Uri(page).AbsoluteUri);
        var image = PngImage.Decode(File.ReadAllBytes(screenshot));
        var colours = new HashSet<(byte, byte, byte)>();
        var blue = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var pixel = image[x, y];
                colours.Add(pixel);
                if (Math.Abs(pixel.R - TraceBlue.R) + Math.Abs(pixel.G - TraceBlue.G) + Math.Abs(pixel.B - TraceBlue.B) < 30) blue++;
            }
        }
        Assert.True(colours.Count > 50, $"only {colours.Count} distinct colours: the chart was not drawn");
        Assert.True(blue > 200, $"only {blue} pixels in plotly.js's first trace colour: the line was not drawn");
    }

    private static ProcessResult Chromium(TempFolder temp, params string[] arguments)
    {
        string[] common =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={DirectoryExtensions.CreateTempSubdirectory("chromium-profile-", temp).FullName}",
            "--virtual-time-budget=5000",
        ];
        var result = BoundedProcess.Run(ChromiumFactAttribute.Chromium, [.. common, .. arguments], TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, $"chromium failed ({result.ExitCode}): {result.Stderr}");
        return result;
    }
}
