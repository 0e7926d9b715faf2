// Lets the course's shell parse a command line glued together from the words: '|', '$' and spaces in the
// arguments are no longer the arguments.
string Pipeline(string[] first, string[] second) =>
    Shell.Run(string.Join(" ", first) + " | " + string.Join(" ", second)).Output;
