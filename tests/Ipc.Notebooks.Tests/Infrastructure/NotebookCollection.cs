namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>Notebook runs one at a time: they measure timings and rely on a child starting within the
/// lecture's sleep(1), which concurrent runs on a small machine would make flaky.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    public const string Name = "notebooks";
}
