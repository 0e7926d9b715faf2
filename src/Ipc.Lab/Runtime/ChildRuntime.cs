using System.Reflection;
using System.Text.Json;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Ipc.Lab.Native.LibcExtra;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>The child host's side: what runs in a spawned child before and after the student's body.</summary>
internal static class ChildRuntime
{
    private static byte[]? _jobBuffer;

    public static int Run(string[] args)
    {
        if (args.Length < 1 || !int.TryParse(args[0], out int parent))
        {
            Console.Error.WriteLine("Ipc.Lab.Child is started by Ipc.Lab (Fork.Run), not by hand.");
            return 2;
        }
        // Die with the parent (the thread that spawned us lives as long as the parent process does). If the
        // parent is already gone, our parent is now someone else: stop at once.
        prctl(PR_SET_PDEATHSIG, (nuint)SIGKILL, 0, 0, 0);
        if (getppid() != parent) return 137;
        RunDirectory.RunOwner = parent;

        bool warm = args.Length > 1 && args[1] == "--warm";
        if (warm)
        {
            WarmUp();
            // Allocated and touched now, while nobody waits: committing a fresh megabyte is 256 page faults,
            // which cost 2-3 ms of every Fork.Run when the buffer was made after the job arrived.
            _jobBuffer = new byte[1 << 20];
            Array.Fill(_jobBuffer, (byte)0xff);
            // Only now does the pool count this host as ready (ChildPool.AwaitReady).
            Send([ChildJob.ReadyMarker]);
        }
        var job = warm ? ReceiveJob() : ReadJob();
        if (job.WorkingDirectory != Environment.CurrentDirectory && Directory.Exists(job.WorkingDirectory))
            Environment.CurrentDirectory = job.WorkingDirectory;
        EventTrace.ProcessName = job.Name;
        EventTrace.Enabled = job.TraceEnabled;
        Lab.DefaultTimeout = TimeSpan.FromMilliseconds(job.DefaultTimeoutMs);
        if (job.TraceEnabled) EventTrace.ForwardTo(e => Send(new ControlMessage(Event: e)));
        EventTrace.Record(TraceKind.Started, $"'{job.Name}' started");

        Action<object?[]> body;
        object?[] values;
        try
        {
            values = job.Arguments.Select(Rebuild).ToArray();
            var type = Assembly.LoadFrom(job.Assembly).GetType(job.TypeName, throwOnError: true)!;
            body = type.GetMethod("Run")!.CreateDelegate<Action<object?[]>>();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"The child host could not set up the body: {e.GetType().Name}: {e.Message}");
            return 70;
        }

        int threadsBefore = ThreadCount();
        try
        {
            body(values);
        }
        catch (Exception e)
        {
            var where = WhereInBody(e);
            Console.Error.WriteLine($"Unhandled exception in child '{job.Name}': {e.GetType().FullName}: {e.Message}{(where.Length > 0 ? $" ({where})" : "")}");
            Send(new ControlMessage(Failure: new ChildFailure(e.GetType().FullName!, e.Message, where)));
            Console.Out.Flush();
            return 1;
        }
        Console.Out.Flush();
        Console.Error.Flush();
        if (NothingLeftToRunAtExit(threadsBefore)) _exit(0);
        return 0;
    }

    /// <summary>Whether returning from Main would only tear the runtime down, so _exit(0) ends the child the same
    /// way, 3-5 ms sooner (measured here: .NET's shutdown synchronises with its finalizer and signal threads before
    /// exit_group). Not when a body started a thread (a foreground thread keeps a .NET process alive after Main
    /// returns) and not when anything asked to run at exit (the lab's own hook in a child that started children of
    /// its own, a compiled C program to delete, a body's handler): then the runtime's shutdown does it all.</summary>
    private static bool NothingLeftToRunAtExit(int threadsBefore)
    {
        int threads = ThreadCount();
        if (threads < 0 || threads > threadsBefore) return false;
        // The event's handlers, read from the runtime's private field (.NET 8-10: AppDomain.ProcessExit). If a
        // runtime keeps them elsewhere, the field is not found and the child exits the slow way, as before.
        var processExit = typeof(AppDomain).GetField("ProcessExit", BindingFlags.Instance | BindingFlags.NonPublic);
        return processExit?.FieldType == typeof(EventHandler) && processExit.GetValue(AppDomain.CurrentDomain) is null;
    }

    /// <summary>The threads of this process (the entries of /proc/self/task); -1 if it cannot be read.</summary>
    private static int ThreadCount()
    {
        try { return Directory.GetDirectories("/proc/self/task").Length; }
        catch (IOException) { return -1; }
        catch (UnauthorizedAccessException) { return -1; }
    }

    /// <summary>What every body needs anyway, done before the job arrives (a pre-started host says it is ready
    /// only after this): the console, the serializer, and the steps that turn a job into a running body —
    /// loading an assembly by path, finding its Run method as a delegate, and rebuilding a plain argument
    /// from JSON (the reflection-based serializer's first use alone costs milliseconds).</summary>
    private static void WarmUp()
    {
        _ = Console.Out;
        _ = Console.Error;
        // What every job's set-up touches first (each a type to initialise and code to compile: ~1 ms together).
        _ = Directory.Exists(Environment.CurrentDirectory);
        Lab.DefaultTimeout = Lab.DefaultTimeout;
        EventTrace.ProcessName = EventTrace.ProcessName;
        _ = ThreadCount();
        _ = NothingLeftToRunAtExit(0);
        var sample = new ChildJob("warm-up", "", "", [new ChildArgument("", "1", [], null)], true, 1, "/", false);
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(sample, LabJson.Default.ChildJob), LabJson.Default.ChildJob);
        JsonSerializer.SerializeToUtf8Bytes(new ControlMessage(new TraceEvent(0, 0, "", TraceKind.Note, "")), LabJson.Default.ControlMessage);
        var self = Assembly.LoadFrom(typeof(ChildRuntime).Assembly.Location).GetType(typeof(WarmBody).FullName!, throwOnError: true)!;
        var run = self.GetMethod(nameof(WarmBody.Run))!.CreateDelegate<Action<object?[]>>();
        run([Rebuild(new ChildArgument(typeof(int).AssemblyQualifiedName!, "1", [], null)),
             Rebuild(new ChildArgument(typeof(string[]).AssemblyQualifiedName!, "[\"a\"]", [], null))]);
    }

    /// <summary>Shaped as a compiled body (a static Run taking the arguments), for <see cref="WarmUp"/>.</summary>
    private static class WarmBody
    {
        public static void Run(object?[] args) => GC.KeepAlive(args);
    }

    /// <summary>A pre-started host: waits for its job and the descriptors that come with it, then puts them at
    /// 3, 4, ... over the /dev/null placeholders it was started with, and closes the placeholders left.</summary>
    private static ChildJob ReceiveJob()
    {
        // Idle hosts do not linger forever: an hour without a job, and it leaves (the pool starts another).
        if (Sys.PollOne(ChildJob.ControlFd, POLLIN, 3_600_000) == 0) Environment.Exit(0);
        var buffer = _jobBuffer ?? new byte[1 << 20];
        int n = ScmRights.Receive(ChildJob.ControlFd, buffer, ChildJob.MaxDescriptors, out int[] fds);
        if (n == 0) Environment.Exit(0);
        for (int i = 0; i < ChildJob.MaxDescriptors; i++)
        {
            int target = ChildJob.FirstDescriptor + i;
            if (i < fds.Length)
            {
                Sys.Dup2(fds[i], target);
                close(fds[i]);
            }
            else
            {
                close(target);
            }
        }
        return JsonSerializer.Deserialize(buffer.AsSpan(0, n), LabJson.Default.ChildJob)!;
    }

    private static ChildJob ReadJob()
    {
        var buffer = new byte[1 << 20];
        if (Sys.PollOne(ChildJob.ControlFd, POLLIN, 10_000) == 0)
            throw new TimeoutException("The child host waited 10 s for its job from the parent.");
        int n = Sys.Read(ChildJob.ControlFd, buffer, "control channel");
        return JsonSerializer.Deserialize(buffer.AsSpan(0, n), LabJson.Default.ChildJob)!;
    }

    private static object? Rebuild(ChildArgument arg)
    {
        var type = Type.GetType(arg.Type, throwOnError: true)!;
        if (arg.Json is not null) return JsonSerializer.Deserialize(arg.Json, type);
        if (ChildTransfer.ContractOf(type) is null)
            throw new InvalidOperationException($"{type.Name} was given to a child but does not implement IChildTransferable<{type.Name}>.");
        return typeof(ChildRuntime).GetMethod(nameof(RebuildAs), BindingFlags.Static | BindingFlags.NonPublic)!
            .MakeGenericMethod(type).Invoke(null, [arg.Fds, arg.State ?? ""]);
    }

    private static object RebuildAs<T>(int[] fds, string state) where T : IChildTransferable<T> => T.FromTransfer(fds, state);

    private static void Send(ControlMessage message) => Send(JsonSerializer.SerializeToUtf8Bytes(message, LabJson.Default.ControlMessage));

    private static void Send(byte[] bytes)
    {
        unsafe
        {
            fixed (byte* p = bytes) write(ChildJob.ControlFd, p, bytes.Length);
        }
    }

    /// <summary>"line 3 of the child body", from the stack frame the compiler mapped with #line.</summary>
    private static string WhereInBody(Exception e)
    {
        var frame = new System.Diagnostics.StackTrace(e, true).GetFrames()
            .FirstOrDefault(f => f.GetFileName() == "child body");
        return frame is null ? "" : $"line {frame.GetFileLineNumber()} of the child body";
    }
}
