namespace Ipc.Lab; public static class Placeholder {}
