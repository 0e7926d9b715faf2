using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 06-sockets must show beyond running: the lecture's server.c and client.c output, in both engines.
/// The two programs are two processes printing into one cell, so each one's lines must come in its own order;
/// how the two interleave is the scheduler's choice.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SocketsNotebookTests
{
    private const string Notebook = "06-sockets.ipynb";

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public void The_server_and_client_cell_prints_the_lecture_s_lines(Engine engine)
    {
        var run = NotebookRun.Of(Notebook, answers: null, engine);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("Hello from client", StringComparison.Ordinal) && t.Contains("Hello from server", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed both \"Hello from client\" and \"Hello from server\" in the {engine} engine.\n{run.Log}");
        var lines = cell!.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        // Four lines, two per process: the server's "Hello from client" then "Hello message sent", the client's
        // "Hello message sent" then "Hello from server".
        Assert.Equal(4, lines.Count);
        Assert.Equal(2, lines.Count(l => l == "Hello message sent"));
        int fromClient = lines.IndexOf("Hello from client"), fromServer = lines.IndexOf("Hello from server");
        Assert.True(fromClient >= 0 && fromServer >= 0, string.Join(" / ", lines));
        Assert.Contains("Hello message sent", lines.Skip(fromClient + 1));   // the server's second line
        Assert.Contains("Hello message sent", lines.Take(fromServer));       // the client's first line
    }
}
