namespace IMCore.Unity.Enums
{
    /// <summary>Login state returned by <c>GetLoginStatus</c>.</summary>
    public enum TIMLoginStatus
    {
        /// <summary>Logged in.</summary>
        kTIMLoginStatus_Logined = 1,
        /// <summary>Logging in.</summary>
        kTIMLoginStatus_Logining = 2,
        /// <summary>Not logged in.</summary>
        kTIMLoginStatus_UnLogined = 3,
        /// <summary>Logging out.</summary>
        kTIMLoginStatus_Logouting = 4,
    }
}
