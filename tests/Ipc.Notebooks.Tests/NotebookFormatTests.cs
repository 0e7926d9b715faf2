using System.Text.Json.Nodes;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>The notebooks as committed are valid nbformat 4.5 for every front end: each cell has a unique id (Jupyter
/// and VS Code add one otherwise, and a notebook that changes on opening shows as modified), and no outputs are
/// committed (a student's first run is the only one).</summary>
public sealed class NotebookFormatTests
{
    public static TheoryData<string> Notebooks() => NotebookExerciseTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_cell_has_a_unique_id_and_no_output(string notebook)
    {
        var cells = NotebookCatalog.Cells(notebook);
        var ids = cells.Select((c, i) => (string?)c["id"] ?? throw new Xunit.Sdk.XunitException($"{notebook}: cell {i} has no id")).ToList();
        var repeated = ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{notebook}: cell ids used twice: {string.Join(", ", repeated)}");
        for (var i = 0; i < cells.Count; i++)
            Assert.True((cells[i]["outputs"] as JsonArray ?? []).Count == 0, $"{notebook}: cell {i} has committed outputs");
    }
}
