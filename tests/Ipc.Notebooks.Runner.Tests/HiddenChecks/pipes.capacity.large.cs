// A hidden check (instructors: `grade ... --hidden DIR`, one file per check, named <exercise id>.<name>.cs).
// Students never see it; the grader runs it after the check cell of pipes.capacity, in the same notebook, so it
// can call the student's MeasureCapacity. This one asks for a pipe the visible check never uses (1 MiB, the
// default limit of /proc/sys/fs/pipe-max-size) and checks that the pipe really is full afterwards.
Exercise.Check("pipes.capacity.large", 1, () =>
{
    using var pipe = Pipe.Create(capacity: 1 << 20);
    int returned = MeasureCapacity(pipe);
    Expect.Equal(pipe.BytesInPipe, returned, "the number your function returned for a pipe of 1 MiB");
    Expect.True(pipe.BytesInPipe > pipe.Capacity - 4096, $"a pipe of {pipe.Capacity:N0} bytes held {pipe.BytesInPipe:N0} after your function ran: it was not filled",
        hint: "Fill the pipe by writing until EAGAIN; do not compute the answer from pipe.Capacity.");
    return $"Filled a pipe of {pipe.Capacity:N0} bytes.";
})
