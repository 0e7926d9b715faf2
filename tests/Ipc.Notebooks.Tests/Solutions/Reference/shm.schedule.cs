// A loads 0 and waits; B makes all but one of its increments; A stores 1 over them. B loads that 1 and waits;
// A makes all its remaining increments; B stores 2 over them.
string LowestSchedule(int increments)
{
    string others = new('B', 2 * (increments - 1)), mine = new('A', 2 * (increments - 1));
    return "A" + others + "A" + "B" + mine + "B";
}
