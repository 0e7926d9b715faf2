using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>Where a notebook asks for a prediction, the student writes it in a `Predict.Ask` cell and the experiment
/// shows it beside what happened: every prediction is revealed by a later cell, and in a run every prediction cell
/// asks for an answer while every experiment that ran shows what happened.</summary>
[Collection(NotebookCollection.Name)]
public sealed partial class PredictionCellsTests
{
    [GeneratedRegex(@"var (\w+) = Predict\.Ask\(")]
    private static partial Regex Asked();

    public static TheoryData<string> Notebooks() => NotebookExerciseTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_prediction_is_revealed_by_a_later_cell(string notebook)
    {
        var code = NotebookCatalog.Cells(notebook).Where(c => (string?)c["cell_type"] == "code").Select(NotebookCatalog.Source).ToList();
        for (var i = 0; i < code.Count; i++)
            foreach (Match asked in Asked().Matches(code[i]))
            {
                var name = asked.Groups[1].Value;
                var reveals = code.Skip(i + 1).Count(c => c.Contains(name + ".Reveal(", StringComparison.Ordinal));
                Assert.True(reveals == 1, $"{notebook}: the prediction `{name}` is revealed by {reveals} later code cells; it needs exactly one (the experiment's).");
                Assert.True(Regex.Matches(string.Concat(code), $@"\b{name}\b = ").Count == 1, $"{notebook}: `{name}` is assigned more than once.");
            }
    }

    [Fact]
    public void In_a_run_the_prediction_cells_ask_and_the_experiments_show_what_happened()
    {
        const string Notebook = "05-message-queues.ipynb";
        var asked = NotebookCatalog.Cells(Notebook).Count(c => Asked().IsMatch(NotebookCatalog.Source(c)));
        Assert.True(asked >= 10, $"{Notebook} has {asked} prediction cells; it asks for more predictions than that.");
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        Assert.Equal(asked, texts.Count(t => t.Contains("write your prediction between the quotes", StringComparison.Ordinal)));
        // Without gcc, the C experiments say so instead; here gcc is installed, so every experiment reveals.
        Assert.Equal(asked, texts.Sum(t => Regex.Matches(t, "what happened: ").Count));
        Assert.Contains(texts, t => t.Contains("what happened: 10, 10, 10, 10 bytes", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("you predicted: (no prediction written", StringComparison.Ordinal));
    }
}
