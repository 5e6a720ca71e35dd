namespace IMCore.Unity.Types
{
    /// <summary>Profile of a user, as attached to a message (<c>message_sender_profile</c>).</summary>
    public class UserProfile : TIMJsonObject
    {
        /// <summary>User id.</summary>
        public string user_profile_identifier;
        /// <summary>Nickname.</summary>
        public string user_profile_nick_name;
        /// <summary>Avatar URL.</summary>
        public string user_profile_face_url;
    }
}
