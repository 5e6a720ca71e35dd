using IMCore.Unity.Enums;

namespace IMCore.Unity.Types
{
    /// <summary>
    /// One element of a message (<c>message_elem_array</c>). Set <see cref="elem_type"/> and the
    /// fields of that type; fields of other types stay <c>null</c> and are not sent.
    /// </summary>
    public class Elem : TIMJsonObject
    {
        /// <summary>Element type; decides which of the fields below are meaningful.</summary>
        public TIMElemType elem_type;

        // ---- text
        /// <summary>Text content (<see cref="TIMElemType.kTIMElem_Text"/>).</summary>
        public string text_elem_content;

        // ---- custom
        /// <summary>Custom payload (<see cref="TIMElemType.kTIMElem_Custom"/>).</summary>
        public string custom_elem_data;
        /// <summary>Custom description.</summary>
        public string custom_elem_desc;
        /// <summary>Custom extension text.</summary>
        public string custom_elem_ext;
        /// <summary>Custom sound (offline push).</summary>
        public string custom_elem_sound;

        // ---- face
        /// <summary>Face index (<see cref="TIMElemType.kTIMElem_Face"/>).</summary>
        public int? face_elem_index;
        /// <summary>Face payload.</summary>
        public string face_elem_buf;

        // ---- location
        /// <summary>Location description (<see cref="TIMElemType.kTIMElem_Location"/>).</summary>
        public string location_elem_desc;
        /// <summary>Longitude.</summary>
        public double? location_elem_longitude;
        /// <summary>Latitude.</summary>
        public double? location_elem_latitude;

        // ---- image
        /// <summary>Local path of the original image (<see cref="TIMElemType.kTIMElem_Image"/>).</summary>
        public string image_elem_orig_path;
        /// <summary>Compression level of the image upload.</summary>
        public int? image_elem_level;
        /// <summary>Image format.</summary>
        public int? image_elem_format;
        /// <summary>Id of the original image.</summary>
        public string image_elem_orig_id;
        /// <summary>URL of the original image.</summary>
        public string image_elem_orig_url;
        /// <summary>URL of the thumbnail.</summary>
        public string image_elem_thumb_url;
        /// <summary>URL of the large image.</summary>
        public string image_elem_large_url;

        // ---- sound
        /// <summary>Local path of the sound file (<see cref="TIMElemType.kTIMElem_Sound"/>).</summary>
        public string sound_elem_file_path;
        /// <summary>Sound file size in bytes.</summary>
        public int? sound_elem_file_size;
        /// <summary>Sound duration in seconds.</summary>
        public int? sound_elem_file_time;
        /// <summary>Sound file id.</summary>
        public string sound_elem_file_id;
        /// <summary>Sound download URL.</summary>
        public string sound_elem_url;

        // ---- file
        /// <summary>Local path of the file (<see cref="TIMElemType.kTIMElem_File"/>).</summary>
        public string file_elem_file_path;
        /// <summary>File name.</summary>
        public string file_elem_file_name;
        /// <summary>File id.</summary>
        public string file_elem_file_id;
        /// <summary>File size in bytes.</summary>
        public int? file_elem_file_size;
        /// <summary>File download URL.</summary>
        public string file_elem_url;

        // ---- video
        /// <summary>Video format, e.g. "mp4" (<see cref="TIMElemType.kTIMElem_Video"/>).</summary>
        public string video_elem_video_type;
        /// <summary>Local path of the video.</summary>
        public string video_elem_video_path;
        /// <summary>Video size in bytes.</summary>
        public int? video_elem_video_size;
        /// <summary>Video duration in seconds.</summary>
        public int? video_elem_video_duration;
        /// <summary>Video download URL.</summary>
        public string video_elem_video_url;
        /// <summary>Snapshot image format.</summary>
        public string video_elem_image_type;
        /// <summary>Local path of the snapshot image.</summary>
        public string video_elem_image_path;
        /// <summary>Snapshot width in pixels.</summary>
        public int? video_elem_image_width;
        /// <summary>Snapshot height in pixels.</summary>
        public int? video_elem_image_height;
        /// <summary>Snapshot download URL.</summary>
        public string video_elem_image_url;
    }
}
