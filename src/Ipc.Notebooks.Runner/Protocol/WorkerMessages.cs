using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ipc.Notebooks.Runner.Protocol;

// What the runner and its worker process say to each other, one JSON object per line (JsonLines). Both sides
// are this assembly, so the messages are these records and nothing else: a misspelt field does not compile.

/// <summary>Runner → worker.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "cmd")]
[JsonDerivedType(typeof(ExecuteCell), "exec")]
[JsonDerivedType(typeof(StatusRequest), "status")]
[JsonDerivedType(typeof(ExitWorker), "exit")]
internal abstract record WorkerCommand;

/// <summary>Run this cell (its number in the notebook, counting from 1) and answer with <see cref="CellDone"/>.
/// With <paramref name="Check"/>, the cell is a check the grader runs: the worker answers with its
/// <see cref="Verdict"/>.</summary>
internal sealed record ExecuteCell(int Cell, string Source, int ExecutionCount, CheckCall? Check = null) : WorkerCommand;

/// <summary>Which exercise a check cell judges, and a nonce only this command carries: a verdict without it is
/// not the worker's answer to this command (see Grading/VerdictChannel.cs).</summary>
internal sealed record CheckCall(string Exercise, string Nonce);

/// <summary>A check's result, read by the worker from the CheckResult that the course library's own check
/// method returned (never from anything the notebook printed or wrote).</summary>
internal sealed record Verdict(string Exercise, int Points, int Earned, string Status, string Message, string? Hint, string Nonce);

/// <summary>Answered at once with <see cref="WorkerStatus"/>, also while a cell never returns.</summary>
internal sealed record StatusRequest : WorkerCommand;

internal sealed record ExitWorker : WorkerCommand;

/// <summary>Worker → runner.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(WorkerReady), "ready")]
[JsonDerivedType(typeof(CellDone), "done")]
[JsonDerivedType(typeof(WorkerStatus), "status")]
internal abstract record WorkerEvent;

internal sealed record WorkerReady : WorkerEvent;

/// <summary>A cell finished: how (<see cref="CellOutcome"/>), and its outputs as nbformat output objects.</summary>
internal sealed record CellDone(int Cell, string Outcome, JsonArray Outputs, Verdict? Verdict = null) : WorkerEvent;

/// <summary>What the running cell is doing: for how long, what Ipc.Lab says it waits for, what it printed.</summary>
internal sealed record WorkerStatus(int Cell, double ElapsedSeconds, string? Activity, string? Output) : WorkerEvent;
