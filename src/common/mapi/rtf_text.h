// RTF bodies as HTML or text. Outlook keeps HTML mail it received as RTF
// that encapsulates the HTML ([MS-OXRTFEX]: "\fromhtml1", the HTML's tags
// in "{\*\htmltag ...}" groups, RTF-only parts between "\htmlrtf" and
// "\htmlrtf0"); that is undone to the original HTML. Other RTF (mail
// written in Outlook's RTF editor) becomes plain text: paragraphs, tabs,
// \'hh bytes in the \ansicpg code page, \uN characters; font tables,
// pictures, objects and every "{\*\..." destination are left out.
// Hand-written because no Debian library does the de-encapsulation, and
// the text conversion is the same tokenizer (unrtf runs as a program and
// drops the encapsulated HTML).
// Thread safety: stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spe::mapi {

// True when the RTF says it encapsulates HTML (\fromhtml1 in its header).
bool rtfEncapsulatesHtml(std::string_view rtf);
// The encapsulated HTML as UTF-8; nullopt when the RTF holds none.
std::optional<std::string> rtfToHtml(std::string_view rtf);
// The RTF's text as UTF-8 (lines end in "\n").
std::string rtfToText(std::string_view rtf);

}  // namespace spe::mapi
