namespace IMCore.Unity.Enums
{
    /// <summary>Type of a message element (<c>elem_type</c>).</summary>
    public enum TIMElemType
    {
        /// <summary>Text element (<c>text_elem_content</c>).</summary>
        kTIMElem_Text = 0,
        /// <summary>Image element.</summary>
        kTIMElem_Image = 1,
        /// <summary>Sound element.</summary>
        kTIMElem_Sound = 2,
        /// <summary>Custom element (<c>custom_elem_data</c>, ...).</summary>
        kTIMElem_Custom = 3,
        /// <summary>File element.</summary>
        kTIMElem_File = 4,
        /// <summary>Group tips (system notice; cannot be sent).</summary>
        kTIMElem_GroupTips = 5,
        /// <summary>Face (emoji) element.</summary>
        kTIMElem_Face = 6,
        /// <summary>Location element.</summary>
        kTIMElem_Location = 7,
        /// <summary>Group report (system notice; cannot be sent).</summary>
        kTIMElem_GroupReport = 8,
        /// <summary>Video element.</summary>
        kTIMElem_Video = 9,
        /// <summary>Friend change notice.</summary>
        kTIMElem_FriendChange = 10,
        /// <summary>Profile change notice.</summary>
        kTIMElem_ProfileChange = 11,
        /// <summary>Merged (forwarded bundle) element.</summary>
        kTIMElem_Merge = 12,
        /// <summary>Unknown element.</summary>
        kTIMElem_Invalid = -1,
    }
}
