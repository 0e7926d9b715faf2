using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Ipc.Lab.Native.SysVCalls;

namespace Ipc.Lab.SharedMemory;

/// <summary>System V shared memory, as on the lecture's slide: shmget creates a segment, shmat attaches it,
/// shmdt detaches it, shmctl(IPC_RMID) removes it. A segment outlives every process until it is removed; the
/// creator owns it and removes it when disposed (and its guardian does, if it is killed).</summary>
public sealed unsafe class SysVSharedMemory : SharedRegion, IChildTransferable<SysVSharedMemory>
{
    private readonly bool _owner;

    private SysVSharedMemory(int id, int key, byte* address, long size, bool owner) : base(address, size)
    {
        Id = id;
        Key = key;
        _owner = owner;
    }

    /// <summary>The identifier shmget returned: what other processes pass to shmat.</summary>
    public int Id { get; }

    /// <summary>The key it was created with: random, and created with IPC_EXCL so it is never someone else's.</summary>
    public int Key { get; }

    public override string Kind => "System V shared memory";

    /// <summary>shmget(key, size, IPC_CREAT | IPC_EXCL | 0600), then shmat.</summary>
    public static SysVSharedMemory Create(long size)
    {
        CheckSize(size);
        int id, key;
        while (true)
        {
            key = KernelNames.RandomKey();
            id = shmget(key, (nuint)size, IPC_CREAT | IPC_EXCL | 0b110_000_000);
            if (id >= 0) break;
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EEXIST) throw Explain.Failure(NativeCall.ShmGet, e, $"{size:N0} bytes");
        }
        return Owned(id, key, size, $"shmget → id {id}, shmat → {size:N0} bytes");
    }

    /// <summary>IPC_CREAT: create the segment if no segment has the key.</summary>
    public const int IPC_CREAT = SysVCalls.IPC_CREAT;

    /// <summary>IPC_EXCL: with IPC_CREAT, fail with EEXIST instead of looking up a segment that has the key.</summary>
    public const int IPC_EXCL = SysVCalls.IPC_EXCL;

    /// <summary>ftok(path, id): a key made from the file's inode and device and the low 8 bits of
    /// <paramref name="id"/>. Two files can give the same key (only part of the inode is used).</summary>
    public static int Ftok(string path, char id)
    {
        int key = ftok(path, id);
        if (key == -1) throw Explain.Failure(NativeCall.Ftok, Marshal.GetLastPInvokeError(), $"ftok(\"{path}\", '{id}')");
        return key;
    }

    /// <summary>shmget(key, size, flags) as written in C, then shmat. Permission bits in <paramref name="flags"/>
    /// are used as given; with none, the segment is created 0600. A segment this call creates is owned, removed
    /// when disposed and registered for the guardian; with IPC_CREAT but no IPC_EXCL, an existing segment with
    /// the key is attached instead (and left alone when disposed), as C's shmget does.</summary>
    public static SysVSharedMemory Get(int key, long size, int flags)
    {
        CheckSize(size);
        if ((flags & 0x1FF) == 0) flags |= 0b110_000_000;
        bool created = false;
        int id = -1;
        if ((flags & IPC_CREAT) != 0)
        {
            // Tried exclusively first, so that we know whether this call created the segment.
            id = shmget(key, (nuint)size, flags | IPC_EXCL);
            int e = id < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (id >= 0) created = true;
            else if (e != Errno.EEXIST || (flags & IPC_EXCL) != 0) throw Explain.Failure(NativeCall.ShmGet, e, $"key 0x{key:x8}, {size:N0} bytes");
        }
        if (!created)
        {
            id = shmget(key, (nuint)size, flags & ~IPC_CREAT);
            if (id < 0) throw Explain.Failure(NativeCall.ShmGet, Marshal.GetLastPInvokeError(), $"key 0x{key:x8}, {size:N0} bytes");
            var existing = Attach(id, $"segment {id}");
            return new SysVSharedMemory(id, key, existing, SegmentSize(id), owner: false);
        }
        return Owned(id, key, size, $"shmget(0x{key:x8}) → id {id}, shmat → {size:N0} bytes");
    }

    /// <summary>A segment this process just created: registered for the guardian first, then attached; removed
    /// again if attaching fails, so a failed create leaves nothing behind.</summary>
    private static SysVSharedMemory Owned(int id, int key, long size, string note)
    {
        ObjectRegistry.Add("shm", id.ToString(), key);
        try
        {
            var region = new SysVSharedMemory(id, key, Attach(id, $"segment {id}"), size, owner: true);
            EventTrace.Record(TraceKind.Note, note);
            return region;
        }
        catch
        {
            Remove(id, key);
            throw;
        }
    }

    /// <summary>shmat of an existing segment, by the id its creator got.</summary>
    public static SysVSharedMemory Attach(int id)
    {
        var address = Attach(id, $"segment {id}");
        long size = SegmentSize(id);
        return new SysVSharedMemory(id, 0, address, size, owner: false);
    }

    private static byte* Attach(int id, string context)
    {
        void* p = shmat(id, null, 0);
        if (p == (void*)-1) throw Explain.Failure(NativeCall.ShmAt, Marshal.GetLastPInvokeError(), context);
        return (byte*)p;
    }

    /// <summary>shm_segsz as /proc/sysvipc/shm lists it, which avoids declaring struct shmid_ds.</summary>
    private static long SegmentSize(int id) =>
        SysVIpcTable.SharedMemory().FirstOrDefault(s => s.Id == id)?.Size
        ?? throw new InvalidOperationException($"Segment {id} is attached but not listed in /proc/sysvipc/shm.");

    private static void Remove(int id, int key)
    {
        shmctl(id, IPC_RMID, null);
        ObjectRegistry.Remove("shm", id.ToString(), key);
    }

    /// <summary>A child gets the id and attaches it itself.</summary>
    public ChildTransfer PrepareTransfer() => new([], Id.ToString());

    static SysVSharedMemory IChildTransferable<SysVSharedMemory>.FromTransfer(int[] fds, string state) => Attach(int.Parse(state));

    protected override void Release(byte* address)
    {
        if (address != null) shmdt(address);
        if (_owner && address != null) Remove(Id, Key);
    }

    public override string ToString() => $"{base.ToString()}, id {Id}";
}
