using System.Reflection;
using System.Text.RegularExpressions;
using Ipc.Lab.Io;
using Ipc.Lab.Processes;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Kernel objects that outlive processes (SysV segments, semaphore sets and message queues, POSIX names) do not
/// outlive a run killed with SIGKILL: its guardian removes them, and if the guardian was killed too, the next
/// start does, and says so.</summary>
public class ObjectOrphanTests
{
    private sealed record Objects(int ShmId, int ShmKey, int SemId, int SemKey, string PosixShm, string PosixSem, int MsgId, int MsgKey)
    {
        public List<string> StillThere()
        {
            var left = new List<string>();
            if (KernelObjects.SysVExists(shm: true, ShmId, ShmKey)) left.Add($"SysV segment {ShmId}");
            if (KernelObjects.SysVExists(shm: false, SemId, SemKey)) left.Add($"SysV semaphore set {SemId}");
            if (File.Exists("/dev/shm" + PosixShm)) left.Add("/dev/shm" + PosixShm);
            if (File.Exists("/dev/shm/sem." + PosixSem[1..])) left.Add("/dev/shm/sem." + PosixSem[1..]);
            if (KernelObjects.SysVQueueExists(MsgId, MsgKey)) left.Add($"SysV message queue {MsgId}");
            return left;
        }

        public void RemoveForce()
        {
            // Only when the library failed: the test does not leave its failure in the kernel.
            Command.Start("ipcrm", "-m", ShmId.ToString()).Wait(TimeSpan.FromSeconds(10));
            Command.Start("ipcrm", "-s", SemId.ToString()).Wait(TimeSpan.FromSeconds(10));
            Command.Start("ipcrm", "-q", MsgId.ToString()).Wait(TimeSpan.FromSeconds(10));
            File.Delete("/dev/shm" + PosixShm);
            File.Delete("/dev/shm/sem." + PosixSem[1..]);
        }
    }

    [Fact]
    public void The_guardian_of_a_run_killed_with_SIGKILL_removes_every_kernel_object_it_created()
    {
        var (victim, objects) = StartVictim();
        try
        {
            Assert.Equal(5, objects.StillThere().Count);

            victim.Kill(Signals.Signal.SIGKILL);
            Assert.Equal(Signals.Signal.SIGKILL, victim.Wait(TimeSpan.FromSeconds(10)).KilledBy());

            Assert.True(Proc.Eventually(() => objects.StillThere().Count == 0, TimeSpan.FromSeconds(15)),
                "still there 15 s after the kill: " + string.Join(", ", objects.StillThere()));
            // The guardian removes the kernel objects first and the run-directory entries after them: wait for
            // those too rather than catch it between the two steps.
            Assert.True(Proc.Eventually(() => Directory.GetFileSystemEntries(RunDirectory.Path, $"{victim.Pid}-*").Length == 0, TimeSpan.FromSeconds(15)),
                "run-directory entries still there 15 s after the kill: " + string.Join(", ", Directory.GetFileSystemEntries(RunDirectory.Path, $"{victim.Pid}-*")));
        }
        finally
        {
            victim.Dispose();
            if (objects.StillThere().Count > 0) objects.RemoveForce();
        }
    }

    [Fact]
    public void When_the_guardian_was_killed_too_the_next_start_removes_the_objects_and_says_so()
    {
        var (victim, objects) = StartVictim();
        try
        {
            var guardian = Proc.Descendants(victim.Pid).Single(p => Proc.Argv0(p) == "ipc-lab-guardian");
            Assert.Equal(0, Tmds.Linux.LibC.kill(guardian, (int)Signals.Signal.SIGKILL));
            victim.Kill(Signals.Signal.SIGKILL);
            Assert.Equal(Signals.Signal.SIGKILL, victim.Wait(TimeSpan.FromSeconds(10)).KilledBy());
            // The guardian was its child: once the victim is reaped, the guardian is init's, and gone or going.
            Assert.True(Proc.Eventually(() => Proc.State(guardian) is null or 'Z', TimeSpan.FromSeconds(10)));
            Assert.Equal(5, objects.StillThere().Count); // nobody cleaned up: exactly what the next start is for

            using var capture = new ConsoleCapture();
            RunDirectory.RemoveLeftovers();

            Assert.Empty(objects.StillThere());
            Assert.Contains("kernel object(s) left by runs that were killed", capture.Error.ToString());
            Assert.Contains($"System V shared memory {objects.ShmId}", capture.Error.ToString());
            Assert.Contains($"System V message queue {objects.MsgId}", capture.Error.ToString());
            Assert.Empty(Directory.GetFileSystemEntries(RunDirectory.Path, $"{victim.Pid}-*"));
        }
        finally
        {
            victim.Dispose();
            if (objects.StillThere().Count > 0) objects.RemoveForce();
        }
    }

    private static (ChildProcess Victim, Objects Objects) StartVictim()
    {
        Assert.True(File.Exists(OrphansProgram.Dll), $"{OrphansProgram.Dll} is built with this project");
        var victim = Command.Start(OrphansProgram.Dotnet, OrphansProgram.Dll, "objects");
        Match ready = Match.Empty;
        Proc.Eventually(() =>
        {
            ready = victim.Output.Select(l => Regex.Match(l.Text, @"^READY shm=(\d+):(\d+) sem=(\d+):(\d+) posixshm=(\S+) posixsem=(\S+) msg=(\d+):(\d+)$"))
                .FirstOrDefault(m => m.Success) ?? Match.Empty;
            return ready.Success || victim.HasExited;
        }, TimeSpan.FromSeconds(60));
        if (!ready.Success)
        {
            victim.Dispose();
            Assert.Fail($"the program did not report its objects: {victim.Status}; it said: {string.Join(" / ", victim.Output.Select(l => l.Text))}");
        }
        int Int(int g) => int.Parse(ready.Groups[g].Value);
        return (victim, new Objects(Int(1), Int(2), Int(3), Int(4), ready.Groups[5].Value, ready.Groups[6].Value, Int(7), Int(8)));
    }

}
