using Ipc.Lab.Exercises;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>A prediction is shown as the student wrote it, then next to what happened; HTML in it is text.</summary>
public class PredictionTests
{
    [Fact]
    public void A_written_prediction_is_shown_then_set_beside_what_happened()
    {
        var asked = Predict.Ask("  Will the pids be the same?  ", "  the same <b>  ");
        Assert.True(asked.Written);
        Assert.Equal("the same <b>", asked.Answer);
        Assert.Null(asked.Happened);
        Assert.Contains("your prediction: the same <b>", asked.ToString());

        var revealed = asked.Reveal("different");
        Assert.Null(asked.Happened); // revealing does not change the prediction the cell holds
        Assert.Equal("different", revealed.Happened);
        Assert.Contains("you predicted: the same <b>", revealed.ToString());
        Assert.Contains("what happened: different", revealed.ToString());
        var html = revealed.ToHtml();
        Assert.Contains("class=\"ipc-prediction\"", html);
        Assert.Contains("the same &lt;b&gt;", html);
        Assert.DoesNotContain("the same <b>", html);
    }

    [Fact]
    public void An_empty_prediction_asks_for_one_and_says_none_was_written()
    {
        var asked = Predict.Ask("What does read return?", "");
        Assert.False(asked.Written);
        Assert.Contains("write your prediction", asked.ToString());
        Assert.Contains("no prediction written", asked.Reveal(0).ToString());
    }

    [Fact]
    public void A_prediction_needs_a_question()
        => Assert.Throws<ArgumentException>(() => Predict.Ask(" ", "yes"));
}
