// The cheapest cheat: a schedule that "loses" updates by leaving most of them out (one increment each, both
// loads before both stores: the counter ends at 1, not by losing, but by never counting).
string LowestSchedule(int increments)
{
    return "ABAB";
}
