namespace IMCore.Unity.Types
{
    /// <summary>imcore: the app state recorded by <c>MsgDoBackground</c> / <c>MsgDoForeground</c>.</summary>
    public class AppState : TIMJsonObject
    {
        /// <summary>"background" or "foreground".</summary>
        public string state;
        /// <summary>The badge number the push service shows while in the background (0 in the foreground).</summary>
        public uint unread_count;
    }
}
