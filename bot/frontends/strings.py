"""What vnqa's front-ends say to people, in Vietnamese, in one place."""

from __future__ import annotations

NOT_ALLOWED = "Xin lỗi, bot này chỉ phục vụ người dùng được cấp quyền."
ONLY_TEXT = "Bot chỉ đọc câu hỏi bằng chữ (hoặc chú thích của ảnh). Xin gõ câu hỏi nhé."
RATE_LIMITED = "Bạn hỏi hơi nhanh. Xin đợi khoảng {seconds} giây rồi hỏi tiếp nhé."
APOLOGY = "Xin lỗi, đã có lỗi khi trả lời. Bạn thử lại sau ít phút nhé."
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên."
WRITING = "Đang đọc các bài viết và soạn câu trả lời…"
NEW_CONVERSATION = "Đã bắt đầu cuộc trò chuyện mới."
NO_SOURCES = "Chưa có nguồn nào."
NO_SOURCES_YET = "Chưa có nguồn nào. Hãy đặt một câu hỏi trước."
ASK_USAGE = "Cách dùng: /ask câu hỏi của bạn"
OPEN_CONVERSATIONS = "Cuộc trò chuyện đang mở: {count}"
CHAT_BANNER = (
    "Hỏi gì cũng được về các bài viết. /sources: nguồn đầy đủ · /new: hỏi lại từ đầu "
    "· :+ / :- lý do: đánh giá câu trả lời · Ctrl-D: thoát"
)
NO_ANSWER_TO_VOTE = "Chưa có câu trả lời nào để đánh giá."
SOURCES_HEADING = "Nguồn"
PUBLISHED = "Ngày đăng: {when}"
AUTHOR = "Tác giả: {author}"
SOURCE = "Nguồn: {source}"
QUOTE = "Trích: “{quote}”"
SHOW_QUOTES = "📄 Trích dẫn"
HIDE_QUOTES = "📄 Ẩn trích dẫn"
THANKS = "Cảm ơn bạn đã góp ý!"
ANSWER_GONE = "Câu trả lời này không còn được lưu."
REASON_PROMPT = (
    "Câu trả lời chưa đúng ở đâu? Bạn có thể trả lời tin này bằng một dòng (không bắt buộc)."
)
REASON_THANKS = "Đã ghi nhận lý do. Cảm ơn bạn!"
VOTES_LINE = "Góp ý: {up} 👍, {down} 👎; {share:.0%} câu trả lời được đánh giá"
COMMANDS = [
    ("ask", "Đặt câu hỏi (dùng được trong nhóm)"),
    ("sources", "Xem đầy đủ nguồn của câu trả lời gần nhất"),
    ("new", "Bắt đầu cuộc trò chuyện mới"),
    ("help", "Bot biết những gì và cách hỏi"),
    ("stats", "Thống kê (quản trị viên)"),
]
