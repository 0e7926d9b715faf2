// Knows the answer and does none of the work: no semaphore, no child, no kill.
int ValueAfterKill(bool undo)
{
    return undo ? 1 : 0;
}
