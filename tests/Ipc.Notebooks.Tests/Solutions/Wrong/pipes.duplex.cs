// The cheapest answer: upper-cases the question itself, with no child and no pipe.
string AskChild(string question)
{
    return question.ToUpperInvariant();
}
