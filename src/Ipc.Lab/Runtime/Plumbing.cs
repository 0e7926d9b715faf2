using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>The descriptors of one spawn, in one place: the pipes and channels made for it, which descriptor
/// the child gets at which number, and which ends stay ours. Disposing closes the child's ends (the child has
/// its copies once it is spawned) and, when the spawn did not happen, ours too: no caller can leak a
/// descriptor on either path. Everything made here is O_CLOEXEC, so nothing reaches a child unless it is
/// placed.</summary>
internal sealed class Plumbing : IDisposable
{
    private readonly List<(int Source, int Target)> _placed = new();
    private readonly List<int> _childEnds = new();
    private readonly List<int> _ourEnds = new();
    private bool _spawned;

    /// <summary>A pipe the child writes at <paramref name="target"/> (its stdout, say); returns our read end.</summary>
    public int FromChild(int target)
    {
        var (read, write) = Sys.Pipe2(O_CLOEXEC);
        _ourEnds.Add(read);
        _childEnds.Add(write);
        _placed.Add((write, target));
        return read;
    }

    /// <summary>A pipe the child reads at <paramref name="target"/>; returns our write end.</summary>
    public int ToChild(int target)
    {
        var (read, write) = Sys.Pipe2(O_CLOEXEC);
        _ourEnds.Add(write);
        _childEnds.Add(read);
        _placed.Add((read, target));
        return write;
    }

    /// <summary>A SOCK_SEQPACKET pair, one message per datagram; the child's end at
    /// <paramref name="target"/>. Returns ours.</summary>
    public int Channel(int target)
    {
        var (ours, theirs) = Sys.SocketPair(SOCK_SEQPACKET);
        _ourEnds.Add(ours);
        _childEnds.Add(theirs);
        _placed.Add((theirs, target));
        return ours;
    }

    /// <summary>One of the caller's descriptors, given to the child at <paramref name="target"/>. It stays the
    /// caller's: it is not closed here.</summary>
    public void Give(int fd, int target) => _placed.Add((fd, target));

    /// <summary><paramref name="path"/> opened for the child alone, at each of <paramref name="targets"/>.</summary>
    public void Open(string path, int flags, IEnumerable<int> targets)
    {
        int fd = Sys.Open(path, flags | O_CLOEXEC, NativeCall.Open);
        _childEnds.Add(fd);
        foreach (int target in targets) _placed.Add((fd, target));
    }

    public IReadOnlyList<(int Source, int Target)> Placed => _placed;

    /// <summary>Spawns <paramref name="plan"/> with these descriptors placed; from then on our ends are the
    /// caller's to close.</summary>
    public int Spawn(SpawnPlan plan) => Spawned(Spawner.Spawn(plan with { Descriptors = _placed }));

    /// <summary>For the guardian, which the spawner thread starts itself (outside the guarded group).</summary>
    public int SpawnOnSpawnerThread(SpawnPlan plan, int processGroup) => Spawned(Spawner.SpawnNow(plan with { Descriptors = _placed }, processGroup));

    private int Spawned(int pid)
    {
        _spawned = true;
        return pid;
    }

    public void Dispose()
    {
        foreach (int fd in _childEnds) close(fd);
        if (!_spawned)
            foreach (int fd in _ourEnds) close(fd);
        _childEnds.Clear();
        _ourEnds.Clear();
    }
}
