// The cheapest change to the lecture's one-fruit design: start "space" at 2 instead of 1. Two fruits fit, but
// two parents (or two children) can now be at the plate at the same time.
PlateDesign TwoFruitPlate() => new(
    Semaphores: [("pear", 0), ("apple", 0), ("space", 2)],
    Father:   ["P space", "put", "V apple"],
    Mother:   ["P space", "put", "V pear"],
    Son:      ["P pear", "take", "V space"],
    Daughter: ["P apple", "take", "V space"]);
