// space counts the free places (2), apple and pear the fruits of each kind on the plate, and mutex keeps the
// plate itself to one process at a time: with two places, two processes can pass a P(space) together. Each
// takes the counting semaphore first and the mutex second, so that nobody holds the mutex while waiting.
PlateDesign TwoFruitPlate() => new(
    Semaphores: [("space", 2), ("apple", 0), ("pear", 0), ("mutex", 1)],
    Father:   ["P space", "P mutex", "put", "V mutex", "V apple"],
    Mother:   ["P space", "P mutex", "put", "V mutex", "V pear"],
    Son:      ["P pear", "P mutex", "take", "V mutex", "V space"],
    Daughter: ["P apple", "P mutex", "take", "V mutex", "V space"]);
