/**
 * What an irreversible action does, in the words of the preset's help page (the seeds), asked
 * before it is sent. Commands not listed here are undone by another command and are not asked.
 */
const CONSEQUENCES = {
  journey: {
    ABORT:
      'The campaign is fully terminated: no new customers can join, and existing ones won’t be processed further. Aborted campaigns cannot be restored; to run a similar campaign again, create a copy.',
  },
  discount: {
    END: 'End Early sets the end date to now: the discount stops applying at once and the campaign expires.',
  },
  gifting: {
    END: 'The campaign is closed: the redemption link no longer works. Existing orders still ship and you can still see analytics, but you can’t restart it.',
  },
  franchise: {
    CANCEL:
      'Cancelling moves the campaign to Archived and is permanent — there’s no undo. All pending approvals are deleted; already-published posts stay; the campaign no longer appears in franchisee calendars or Asset Manager.',
    ARCHIVE: 'Archiving is permanent; already-published posts are unaffected.',
  },
};

/** The consequence of `command` for a campaign of `preset`, or null when it can be undone. */
export function consequenceOf(preset, command) {
  return CONSEQUENCES[preset]?.[command] ?? null;
}
