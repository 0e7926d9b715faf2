using System.Runtime.CompilerServices;
using System.Text.Json;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Runtime;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Processes;

/// <summary>"fork()" for a notebook: runs a C# lambda in a real child process. The lambda's text is taken as
/// written (C#'s CallerArgumentExpression), compiled, and run by a freshly spawned child host — posix_spawn,
/// never fork() of the .NET process itself. Like a forked child, the body starts with copies of what it is
/// given: values, and kernel objects (pipe ends, ...) whose descriptors arrive as the same open files.
/// Unlike fork(), nothing else is copied: a body that uses a variable of the notebook is refused before any
/// process starts, with a message that says how to pass it.</summary>
public static class Fork
{
    private static int _children;

    // A body calls the signal functions as a notebook cell does after its set-up cell: Kill(pid, SIGTERM).
    private static readonly Type[] BodyStaticUsings = [typeof(Signals.Posix), typeof(Sockets.SocketConstants)];

    public static ChildProcess Run(Action body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, []);

    public static ChildProcess Run<T1>(T1 arg1, Action<T1> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1)]);

    public static ChildProcess Run<T1, T2>(T1 arg1, T2 arg2, Action<T1, T2> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1), (typeof(T2), arg2)]);

    public static ChildProcess Run<T1, T2, T3>(T1 arg1, T2 arg2, T3 arg3, Action<T1, T2, T3> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1), (typeof(T2), arg2), (typeof(T3), arg3)]);

    public static ChildProcess Run<T1, T2, T3, T4>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, Action<T1, T2, T3, T4> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1), (typeof(T2), arg2), (typeof(T3), arg3), (typeof(T4), arg4)]);

    public static ChildProcess Run<T1, T2, T3, T4, T5>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, Action<T1, T2, T3, T4, T5> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1), (typeof(T2), arg2), (typeof(T3), arg3), (typeof(T4), arg4), (typeof(T5), arg5)]);

    public static ChildProcess Run<T1, T2, T3, T4, T5, T6>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6, Action<T1, T2, T3, T4, T5, T6> body, string? name = null,
        [CallerArgumentExpression(nameof(body))] string source = "")
        => Start(name, source, [(typeof(T1), arg1), (typeof(T2), arg2), (typeof(T3), arg3), (typeof(T4), arg4), (typeof(T5), arg5), (typeof(T6), arg6)]);

    /// <summary>Gets the first Fork.Run ready in the background: starts a child host, and starts the body
    /// compiler and has it compile an empty body (even one already in the cache), which also JIT-compiles this
    /// process's side of Fork.Run.</summary>
    public static void Prepare()
    {
        ChildPool.Replenish();
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try { BodyCompiler.WarmUp(BodyStaticUsings); }
            catch (Exception) { /* the first Fork.Run reports it */ }
        });
    }

    /// <summary>Waits, at most <paramref name="timeout"/> (default <see cref="Lab.DefaultTimeout"/>), until the child
    /// host that Fork.Run starts in the background for the next child is ready. Call it before timing something:
    /// that host's start is a .NET runtime starting (about 0.1 s of CPU), and on two cores it would share the CPUs
    /// with the measurement (measured here: a pipe streaming 64 KiB writes at 1.6 GB/s instead of 3.3). False if
    /// none became ready in time; true at once when <see cref="KeepWarmChild"/> is off.</summary>
    public static bool WaitUntilReady(TimeSpan? timeout = null) =>
        !ChildPool.Enabled || ChildPool.WaitReady(TimeSpan.FromMilliseconds(Lab.ToMilliseconds(timeout)));

    private static ChildProcess Start(string? name, string source, (Type Type, object? Value)[] args)
    {
        if (string.IsNullOrWhiteSpace(source))
            throw new ArgumentException("Fork.Run needs the text of the lambda, which C# passes on its own when you write Fork.Run(() => { ... }) in C#. Do not pass the 'source' argument yourself.", nameof(source));
        int number = Interlocked.Increment(ref _children);
        name ??= number == 1 ? "child" : $"child {number}";

        var descriptors = new List<int>();
        var arguments = args.Select((a, i) => Describe(a.Type, a.Value, i + 1, descriptors)).ToArray();
        if (descriptors.Count > ChildJob.MaxDescriptors)
            throw new ArgumentException($"A child can be given at most {ChildJob.MaxDescriptors} descriptors; these arguments hold {descriptors.Count}.");

        // The host starts while the body compiles: on a cold start both take hundreds of milliseconds.
        ChildPool.Replenish();
        string assembly = BodyCompiler.Compile(source, args.Select(a => a.Type).ToArray(), BodyStaticUsings);
        var job = new ChildJob(name, assembly, Path.GetFileNameWithoutExtension(assembly), arguments,
            EventTrace.Enabled, Lab.DefaultTimeout.TotalMilliseconds, Environment.CurrentDirectory, DescriptorsAttached: true);
        try
        {
            if (ChildPool.TryTake(JsonSerializer.SerializeToUtf8Bytes(job, LabJson.Default.ChildJob), descriptors,
                    out int pid, out int stdout, out int stderr, out int control))
            {
                return new ChildProcess(Launcher.Watch(pid, name, "C# body (pre-started child host)", ChildProcess.Describe, stdout, stderr, control));
            }
            return Spawn(name, job with { DescriptorsAttached = false }, descriptors);
        }
        finally
        {
            ChildPool.Replenish();
        }
    }

    /// <summary>Whether Fork.Run keeps one child host started ahead of time (on by default; the environment
    /// variable IPC_LAB_WARM_CHILD=0 turns it off). Turning it off stops the host that is waiting.</summary>
    public static bool KeepWarmChild
    {
        get => ChildPool.Enabled;
        set
        {
            ChildPool.Enabled = value;
            if (!value) ChildPool.Drain();
        }
    }

    private static ChildArgument Describe(Type type, object? value, int position, List<int> descriptors)
    {
        if (value is IChildTransferable transferable)
        {
            if (ChildTransfer.ContractOf(value.GetType()) is null)
                throw new ArgumentException($"Argument {position} of Fork.Run is a {value.GetType().Name}, which says it can be given to a child but does not implement IChildTransferable<{value.GetType().Name}>, so the child could not rebuild it.");
            var transfer = transferable.PrepareTransfer();
            var fds = new int[transfer.Descriptors.Count];
            for (int i = 0; i < fds.Length; i++)
            {
                descriptors.Add(transfer.Descriptors[i].Fd);
                fds[i] = 2 + descriptors.Count;
            }
            return new ChildArgument(value.GetType().AssemblyQualifiedName!, null, fds, transfer.State);
        }
        if (value is IReachedByName named)
            throw new ArgumentException(
                $"Argument {position} of Fork.Run is a {value.GetType().Name}. A {value.GetType().Name} is not handed over as an object: other processes reach it by its name. {named.PassInstead}");
        if (!IsPlainValue(type))
            throw new ArgumentException(
                $"Argument {position} of Fork.Run is a {type.Name}, which cannot be handed to another process. A child can be given numbers, " +
                "booleans, strings, arrays of those, and the course's kernel objects that are descriptors (a Pipe, or one of its ends); anything else has to be sent to it (e.g. through a pipe).");
        return new ChildArgument(type.AssemblyQualifiedName!, JsonSerializer.Serialize(value, type), [], null);
    }

    private static bool IsPlainValue(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
        || (t.IsArray && IsPlainValue(t.GetElementType()!));

    private static ChildProcess Spawn(string name, ChildJob job, List<int> descriptors)
    {
        using var plumbing = new Plumbing();
        int stdout = plumbing.FromChild(1), stderr = plumbing.FromChild(2), control = plumbing.Channel(ChildJob.ControlFd);
        for (int i = 0; i < descriptors.Count; i++) plumbing.Give(descriptors[i], ChildJob.FirstDescriptor + i);
        int pid = plumbing.Spawn(new SpawnPlan(DotnetHost.Path,
            ["dotnet", LabHome.ChildHostPath, Environment.ProcessId.ToString()], ChildEnvironment.ForDotnet(name)));
        var child = new ChildProcess(Launcher.Watch(pid, name, "C# body", ChildProcess.Describe, stdout, stderr, control));
        Sys.Write(control, JsonSerializer.SerializeToUtf8Bytes(job, LabJson.Default.ChildJob), $"control channel of child '{name}'");
        return child;
    }
}
