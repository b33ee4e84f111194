import { pageMessages } from "@/lib/sessions";

/** The session's one-time messages for this page (Django's `{% for message in messages %}`), each shown once. */
export async function Messages() {
  const messages = await pageMessages();
  if (messages.length === 0) return null;
  return (
    <ul className="messages" role="status">
      {messages.map((message, index) => (
        <li key={index} className={`message message-${message.level}`}>
          {message.text}
        </li>
      ))}
    </ul>
  );
}
